/**
 * A pause a loop following the store takes between polls, that a nudge (a write just landed, a
 * stop) ends early. A nudge with no pause in progress does nothing.
 */
export function wakeablePause(): { pause: (ms: number) => Promise<void>; wake: () => void } {
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = undefined;
    });
  return { pause, wake: () => wake?.() };
}
