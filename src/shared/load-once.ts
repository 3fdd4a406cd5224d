/**
 * `load` run on the first call and its result shared by every later call: for what a function needs only
 * now and then (a client, a module imported on first use), so that its cold start does not pay for it.
 * A failed load is tried again on the next call rather than cached.
 */
export const loadOnce = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
};
