/**
 * The committed Terraform (terraform/modules/*, terraform/examples/*) on a copy adapted to the
 * offline aws provider (terraform-offline.ts): the module's HCL loses what aws 5.x lacks
 * (`response_transfer_mode`, streaming timeouts above 29 s, `data.aws_region.region` → `.name`, the
 * 6.x-only `aws_cognito_managed_login_branding` blocks) and every folder gets the local provider pin;
 * root modules get fake credentials with every AWS call skipped. Returns what was changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './helpers';
import { topLevelBlocks } from '../../scripts/hcl-module';
import { adaptHclToLocalProvider, compareVersions, writeOverride, type LocalProvider } from './terraform-offline';

/** Resource types of the module that aws 5.x does not have. */
const NEWER_THAN_5X = ['aws_cognito_managed_login_branding'];

/** Copies terraform/ into `work` (same layout, so relative module sources resolve) and adapts it. */
export function offlineTerraformCopy(work: string, provider: LocalProvider, roots: readonly string[]): { dir: string; changes: string[] } {
  const dir = path.join(work, 'terraform');
  fs.cpSync(path.join(PROJECT_ROOT, 'terraform'), dir, { recursive: true, filter: (src) => !/[/\\](\.terraform|terraform\.tfstate[^/]*)$/.test(src) });
  const changes: string[] = [];
  for (const name of fs.readdirSync(path.join(dir, 'modules'))) {
    const moduleDir = path.join(dir, 'modules', name);
    changes.push(...adaptHclToLocalProvider(moduleDir, provider, { fakeCredentials: false, file: 'main.tf' }).map((c) => `modules/${name}: ${c}`));
    if (compareVersions(provider.version, '6.0.0') < 0) changes.push(...removeResourceTypes(path.join(moduleDir, 'main.tf'), NEWER_THAN_5X).map((c) => `modules/${name}: ${c}`));
    changes.push(...adaptTestsToLocalProvider(moduleDir, provider).map((c) => `modules/${name}: ${c}`));
  }
  for (const root of roots) writeOverride(path.join(dir, root), provider, true);
  return { dir, changes };
}

function removeResourceTypes(file: string, types: readonly string[]): string[] {
  const blocks = topLevelBlocks(fs.readFileSync(file, 'utf8'));
  const removed = blocks.filter((b) => types.some((t) => b.startsWith(`resource "${t}" `)));
  if (!removed.length) return [];
  fs.writeFileSync(file, `${blocks.filter((b) => !removed.includes(b)).join('\n\n')}\n`);
  return [`removed ${removed.length} ${types.join('/')} blocks (aws 6.x only)`];
}

/**
 * `terraform test` files for the offline provider: aws 5.x calls `data.aws_region`'s region `name`
 * (6.x: `region`), so the mocked and overridden values are renamed. Returns the files changed.
 */
export function adaptTestsToLocalProvider(moduleDir: string, provider: LocalProvider): string[] {
  const testsDir = path.join(moduleDir, 'tests');
  if (compareVersions(provider.version, '6.0.0') >= 0 || !fs.existsSync(testsDir)) return [];
  const changed: string[] = [];
  for (const file of fs.readdirSync(testsDir).filter((f) => f.endsWith('.tftest.hcl'))) {
    const full = path.join(testsDir, file);
    const text = fs.readFileSync(full, 'utf8');
    const adapted = text.replace(/^(\s*)region(\s*)=/gm, '$1name$2  =');
    if (adapted !== text) {
      fs.writeFileSync(full, adapted);
      changed.push(`tests/${file}: data.aws_region region → name (the 5.x attribute)`);
    }
  }
  return changed;
}
