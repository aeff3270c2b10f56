/** The messages between a local Lambda execution environment (lambda-child.ts) and its parent (lambda-process.ts). */

export type ParentMessage =
  | { readonly type: 'invoke'; readonly id: number; readonly event: unknown; readonly deadline: number; readonly requestId: string; readonly functionArn: string; readonly clientContext?: unknown }
  | { readonly type: 'env-reads' }
  /** The client of a streamed response went away: the response stream closes. */
  | { readonly type: 'client-gone'; readonly id: number };

export type ChildMessage =
  | { readonly type: 'ready'; readonly streaming: boolean }
  | { readonly type: 'init-error'; readonly errorType: string; readonly errorMessage: string }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly errorType: string; readonly errorMessage: string }
  | { readonly type: 'stream-start'; readonly id: number; readonly contentType: string }
  | { readonly type: 'stream-data'; readonly id: number; readonly data: string }
  | { readonly type: 'stream-end'; readonly id: number }
  | { readonly type: 'stream-fail'; readonly id: number; readonly reason: string }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'env-reads'; readonly names: readonly string[] };
