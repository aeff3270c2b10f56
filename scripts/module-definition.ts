/** What `npm run build:modules` needs to know of one generated module (scripts/build-modules.ts). */
import type { App, TerraformStack } from 'cdktn';

export interface StackFactoryOptions {
  readonly projectRoot: string;
  readonly bundleDir: string;
}

export interface ModuleDefinition {
  /** Folder name under terraform/modules/ and the stack id. */
  readonly name: string;
  /** Builds the module's stack in `app` with id `name`. */
  readonly stack: (app: App, id: string, options: StackFactoryOptions) => TerraformStack;
  /** README title (`# …`). */
  readonly title: string;
  /** Markdown paragraphs after the title. */
  readonly intro: readonly string[];
  /** The module block of the usage example, without `source` (added, pinned to MODULE_RELEASE in scripts/build-modules.ts). */
  readonly usage: string;
  /** Markdown after the usage block (after-apply steps, notes). @default none */
  readonly notes?: readonly string[];
}
