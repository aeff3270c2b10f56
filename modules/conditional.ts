/**
 * Resources that exist only when a Terraform expression is true: `count = <condition> ? 1 : 0`, decided
 * at plan time rather than at synth time. The general modules (stacks/facade-module-stack.ts) use it for
 * what a config decides at synth (a custom domain, the `/mcp` mode, alarms, a dashboard).
 *
 *   const proxy = new Conditional(this, 'mcp-proxy', Op.eq(mode, 'lambda'));
 *   new BundledFunction(proxy, ...)       // every resource below `proxy` gets the count
 *   onlyIf(someResource, condition)       // or one construct subtree, before its attributes are read
 *
 * A resource with `count` is addressed per instance (`aws_x.y[0].arn`); an attribute read anywhere
 * (also from resources that always exist) is therefore written `one(aws_x.y[*].arn)`: the value, or
 * `null` when the condition is false (Terraform language, "Splat expressions" and `one`). For that,
 * `TerraformResource.prototype.interpolationForAttribute` is wrapped once: for a resource below a
 * condition it returns the `one(…[*]…)` form, for every other resource exactly what cdktn returns
 * (so stacks without conditions synthesize unchanged). The wrapper reads the conditions when the
 * attribute is read, so a condition must be registered before any attribute of its resources is read:
 * a {@link Conditional} scope does that by construction.
 *
 * Nested conditions combine with `&&`. {@link applyConditions} writes the counts (call it once, at the
 * end of the stack's constructor).
 */
import { Construct, type IConstruct } from 'constructs';
import { Fn, Op, TerraformResource, Token, ref, type IResolvable } from 'cdktn';

const conditions = new WeakMap<IConstruct, string>();

/** Every resource in `scope`'s subtree exists only when `condition` (a boolean Terraform expression) holds. */
export function onlyIf(scope: IConstruct, condition: string | IResolvable): void {
  const expression = Token.asString(condition);
  const existing = conditions.get(scope);
  conditions.set(scope, existing === undefined ? expression : Token.asString(Op.and(existing, expression)));
}

/** The conditions on `node` and its ancestors, outermost first. */
export function conditionsOf(node: IConstruct): string[] {
  return node.node.scopes.map((s) => conditions.get(s)).filter((c): c is string => c !== undefined);
}

/**
 * The conditions of `node` that `other` does not share, combined with `&&` (undefined: none). A
 * grant to `other` that names `node` holds exactly when `node` exists (modules/iam.ts `when`).
 */
export function conditionBeyond(node: IConstruct, other: IConstruct): string | undefined {
  const shared = new Set(conditionsOf(other));
  const extra = conditionsOf(node).filter((c) => !shared.has(c));
  return extra.length ? extra.reduce((a, b) => Token.asString(Op.and(a, b))) : undefined;
}

/** A scope whose resources exist only when `condition` holds. */
export class Conditional extends Construct {
  readonly condition: string;

  constructor(scope: Construct, id: string, condition: string | IResolvable) {
    super(scope, id);
    this.condition = Token.asString(condition);
    onlyIf(this, this.condition);
  }
}

/** Sets `count` on every resource below a condition. Returns how many resources got one. */
export function applyConditions(root: IConstruct): number {
  let counted = 0;
  for (const node of root.node.findAll()) {
    if (!(node instanceof TerraformResource)) continue;
    const all = conditionsOf(node);
    if (!all.length) continue;
    const condition = all.reduce((a, b) => Token.asString(Op.and(a, b)));
    node.count = Token.asNumber(Fn.conditional(condition, 1, 0));
    counted++;
  }
  return counted;
}

type Interpolation = (this: TerraformResource, attribute: string) => IResolvable;

const WRAPPED = Symbol.for('agentcore-mcp-oauth.conditional-interpolation');
const proto = TerraformResource.prototype as unknown as { interpolationForAttribute: Interpolation; [WRAPPED]?: true };
if (!proto[WRAPPED]) {
  const original = proto.interpolationForAttribute;
  proto.interpolationForAttribute = function interpolationForAttribute(this: TerraformResource, attribute: string): IResolvable {
    if (!conditionsOf(this).length) return original.call(this, attribute);
    return Fn.one(ref(`${this.terraformResourceType}.${this.friendlyUniqueId}[*].${attribute}`, this.cdktfStack)) as unknown as IResolvable;
  };
  proto[WRAPPED] = true;
}
