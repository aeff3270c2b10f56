/**
 * Readable, stable Terraform addresses: `aws_lambda_function.authorize`, not cdktn's default
 * `aws_lambda_function.functions_authorize_function_FE106236`.
 *
 * How to use it: extend `ReadableStack` instead of `TerraformStack`; before creating a child
 * construct whose id reads badly in addresses, call `addressSegment(scope, childId, segment)` — `''`
 * for a construct that only groups (the stack's layers: `api`, `functions`, …), or the words the
 * child should read as (`user_flow`). The name of every element (resource, data source, ephemeral
 * resource, variable, local, output, module) is then derived by one deterministic rule:
 *
 * 1. Take the construct ids on the path below the stack (cdktn's hidden id `Default` excluded).
 * 2. A segment given by `addressSegment` is used as written (snake_cased); `''` leaves it out.
 * 3. Any other segment is split into words (`-`, `_`, camelCase) and loses its leading words that
 *    repeat the element's type (`aws_iam_role` → `iam`, `role`, also `roles`): `integration-get-mcp`
 *    is `get_mcp` in `aws_api_gateway_integration`, `target-clock` is `clock` in
 *    `aws_bedrockagentcore_gateway_target`; a segment made only of such words disappears
 *    (`authorize/role` is `authorize` in `aws_iam_role`). Trailing words stay: they may be data
 *    (`resource-well-known-oauth-protected-resource`). A name cannot start with a digit, so there
 *    the last stripped word stays (`target-1password` is `target_1password`).
 * 4. What remains, joined with `_` (snake_case). Nothing left: `this` (Terraform's name for the one
 *    resource of its kind: `aws_api_gateway_rest_api.this`).
 *
 * An element with `overrideLogicalId` keeps that name. Synthesis fails when two elements end up with
 * the same address (same kind, type and name), naming both construct paths, so names never silently
 * change into `_2` suffixes or hashes.
 *
 * Upgrades from cdktn's hashed names: with `movedFromHashedIds`, every managed resource whose name
 * differs from the one cdktn's default algorithm (`TerraformStack.allocateLogicalId`) gives the same
 * construct path also gets a `moved { from = <hashed> to = <readable> }` block (cdktn's
 * `moveFromId`), so a state written with hashed addresses is moved, not replaced
 * (https://developer.hashicorp.com/terraform/language/modules/develop/refactoring).
 */
import type { IConstruct, Node } from 'constructs';
import { Construct } from 'constructs';
import {
  TerraformDataSource, TerraformElement, TerraformEphemeralResource, TerraformLocal, TerraformModule, TerraformOutput, TerraformResource, TerraformStack,
  TerraformVariable,
} from 'cdktn';

export interface ReadableStackOptions {
  /**
   * Emit a `moved` block from cdktn's default hashed address to the readable one for every managed
   * resource (stacks whose earlier releases were synthesized with hashed addresses).
   * @default false
   */
  readonly movedFromHashedIds?: boolean;
}

/** cdktn leaves construct ids `Default` out of logical ids (cdktn/lib/private/unique.ts). */
const HIDDEN_ID = 'Default';
/** snake_case identifiers (Terraform would also take upper case and dashes; readable names use neither). */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

const segments = new WeakMap<IConstruct, Map<string, string>>();

/**
 * How the child `childId` of `scope` reads in addresses: `''` leaves the segment out (a construct
 * that only groups), anything else is used as written, snake_cased (`user_flow`). Call it before the
 * child is created: names are fixed the first time an element is referenced.
 */
export function addressSegment(scope: IConstruct, childId: string, segment: string): void {
  if (scope.node.tryFindChild(childId)) {
    throw new Error(`addressSegment(${scope.node.path || '<root>'}, '${childId}'): call it before the child is created (its addresses may already be in use)`);
  }
  const snake = segment === '' ? '' : snakeCase(segment);
  if (segment !== '' && !IDENTIFIER.test(snake)) throw new Error(`addressSegment(${scope.node.path}, '${childId}', '${segment}'): not usable in a Terraform address (${snake})`);
  let bySegment = segments.get(scope);
  if (!bySegment) segments.set(scope, (bySegment = new Map()));
  bySegment.set(childId, snake);
}

/** `user-flow-client`, `userFlowClient`, `user_flow client` → `user_flow_client`. */
export function snakeCase(s: string): string {
  return words(s).join('_');
}

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The words an element's type is made of, without the provider (`aws_iam_role` → iam, role). */
function typeWords(type: string | undefined): Set<string> {
  if (!type) return new Set();
  const [, ...rest] = type.split('_');
  return new Set(rest.flatMap((w) => [w, `${w}s`]));
}

/** The Terraform type of an element, if it has one (resources, data sources, ephemeral resources). */
function typeOf(element: TerraformElement): string | undefined {
  if (TerraformResource.isTerraformResource(element) || element instanceof TerraformDataSource || element instanceof TerraformEphemeralResource) {
    return (element as { terraformResourceType: string }).terraformResourceType;
  }
  return undefined;
}

/** The address prefix that makes an element's name unique in a configuration, or none (providers, backends). */
function kindOf(element: TerraformElement): string | undefined {
  if (TerraformResource.isTerraformResource(element)) return element.terraformResourceType;
  if (element instanceof TerraformDataSource) return `data.${element.terraformResourceType}`;
  if (element instanceof TerraformEphemeralResource) return `ephemeral.${element.terraformResourceType}`;
  if (element instanceof TerraformVariable) return 'var';
  if (element instanceof TerraformLocal) return 'local';
  if (element instanceof TerraformOutput) return 'output';
  if (element instanceof TerraformModule) return 'module';
  return undefined;
}

/**
 * A `TerraformStack` whose elements get readable, stable names (see the file comment for the rule).
 * Extend it like `TerraformStack`; pass `{ movedFromHashedIds: true }` when earlier releases of the
 * stack were synthesized with cdktn's hashed names.
 */
export abstract class ReadableStack extends TerraformStack {
  private readonly movedFromHashedIds: boolean;
  /** Elements named by `allocateLogicalId` (the others have an `overrideLogicalId`). */
  private readonly allocated = new WeakSet<IConstruct>();

  protected constructor(scope: Construct, id: string, options: ReadableStackOptions = {}) {
    super(scope, id);
    this.movedFromHashedIds = options.movedFromHashedIds ?? false;
  }

  /** The readable name of an element (cdktn calls this once per element, at its first reference). */
  override allocateLogicalId(tfElement: TerraformElement | Node): string {
    const isElement = TerraformElement.isTerraformElement(tfElement);
    const node = isElement ? tfElement.node : tfElement;
    const stack = isElement ? tfElement.cdktfStack : this;
    const below = node.scopes.slice(node.scopes.indexOf(stack) + 1);
    const strip = typeWords(isElement ? typeOf(tfElement) : undefined);
    const parts: string[] = [];
    for (const c of below) {
      const id = c.node.id;
      if (id === HIDDEN_ID) continue;
      const parent = c.node.scope;
      const given = parent ? segments.get(parent)?.get(id) : undefined;
      if (given !== undefined) {
        if (given) parts.push(given);
        continue;
      }
      const w = words(id);
      let stripped: string | undefined;
      while (w.length && strip.has(w[0])) stripped = w.shift();
      // A name cannot start with a digit: the last word stripped stays (`target_1password`).
      if (!parts.length && stripped && /^[0-9]/.test(w[0] ?? '')) w.unshift(stripped);
      if (w.length) parts.push(w.join('_'));
    }
    const name = parts.join('_') || 'this';
    if (isElement) this.allocated.add(tfElement);
    if (!IDENTIFIER.test(name)) {
      throw new Error(`${node.path}: the readable name "${name}" is not a Terraform identifier; give the construct a segment with addressSegment()`);
    }
    return name;
  }

  /** The name cdktn's default algorithm gives the same construct path (`<words>_<8 hex of its md5>`). */
  hashedLogicalId(element: TerraformElement): string {
    return super.allocateLogicalId(element);
  }

  /** Every addressable element by address (`aws_iam_role.authorize`, `var.signing_keys`, …); fails on a collision. */
  addresses(): Map<string, TerraformElement> {
    const byAddress = new Map<string, TerraformElement>();
    for (const element of elementsOf(this)) {
      const kind = kindOf(element);
      if (!kind) continue;
      const address = `${kind}.${element.friendlyUniqueId}`;
      const other = byAddress.get(address);
      if (other) {
        throw new Error(
          `Two elements would have the Terraform address ${address}: ${other.node.path} and ${element.node.path}. ` +
            'Give one of them its own name with addressSegment() (modules/readable-stack.ts).',
        );
      }
      byAddress.set(address, element);
    }
    return byAddress;
  }

  override prepareStack(): void {
    this.finishAddresses();
    super.prepareStack();
  }

  override toTerraform(): { [key: string]: unknown } {
    this.finishAddresses();
    return super.toTerraform();
  }

  override toHclTerraform(): { [key: string]: unknown } {
    this.finishAddresses();
    return super.toHclTerraform();
  }

  /**
   * cdktn asks this only to add a probe of the installed `terraform` binary (moved blocks need
   * >= 1.5). Synthesis needs no binary; a ReadableStack's configuration declares its own Terraform
   * floor in `required_version`, which Terraform enforces at init.
   */
  override hasResourceMove(): boolean {
    return false;
  }

  /** Fails on colliding addresses; declares the moves from hashed names (once per resource). */
  private finishAddresses(): void {
    const byAddress = this.addresses();
    if (!this.movedFromHashedIds) return;
    for (const element of byAddress.values()) {
      if (!TerraformResource.isTerraformResource(element) || !this.allocated.has(element) || element.hasResourceMove()) continue;
      const hashed = this.hashedLogicalId(element);
      if (hashed !== element.friendlyUniqueId) element.moveFromId(`${element.terraformResourceType}.${hashed}`);
    }
  }
}

/** The elements of one stack (not of stacks nested in it). */
function elementsOf(stack: TerraformStack): TerraformElement[] {
  const out: TerraformElement[] = [];
  const visit = (c: IConstruct) => {
    if (TerraformElement.isTerraformElement(c)) out.push(c);
    for (const child of c.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return out;
}
