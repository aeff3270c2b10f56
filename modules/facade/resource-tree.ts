/**
 * The REST API resource tree for the route table: one `aws_api_gateway_resource` per distinct path
 * segment chain, parents before children. `.well-known` is a valid path part.
 */
export interface ResourceNode {
  /** Full path from the API root, e.g. `/.well-known/oauth-protected-resource`. */
  readonly path: string;
  /** The last segment (`path_part`). */
  readonly part: string;
  /** Parent path; `/` is the API's root resource. */
  readonly parent: string;
}

export function resourceTree(routes: readonly { readonly path: string }[]): ResourceNode[] {
  const nodes = new Map<string, ResourceNode>();
  for (const route of routes) {
    const parts = route.path.split('/').filter(Boolean);
    parts.forEach((part, i) => {
      const path = `/${parts.slice(0, i + 1).join('/')}`;
      if (!nodes.has(path)) nodes.set(path, { path, part, parent: i === 0 ? '/' : `/${parts.slice(0, i).join('/')}` });
    });
  }
  // Map preserves insertion order, and a parent is always inserted before its children.
  return [...nodes.values()];
}

/** A construct-id-safe slug of a path: `/.well-known/openid-configuration` → `well-known-openid-configuration`. */
export function pathSlug(path: string): string {
  return path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
}
