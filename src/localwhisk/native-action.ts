/** How an in-process catalog action ended: a result, or an application error. */
export type NativeOutcome =
  | { readonly ok: true; readonly result: Record<string, unknown> }
  | { readonly ok: false; readonly error: string };

/**
 * A catalog action implemented by the controller itself, because it acts on the controller (a feed
 * schedules trigger fires). `namespace` is the namespace of the caller.
 */
export type NativeAction = (params: Record<string, unknown>, namespace: string) => Promise<NativeOutcome>;
