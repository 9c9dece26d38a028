import { useSyncExternalStore } from 'react';
import type { DevControl, DevView } from '../views/view-models.js';

const none = () => () => {};
const nothing = () => undefined;

/** The dev loop's state, live; undefined without a dev loop or before it first reports. */
export function useDev(dev: DevControl | undefined): DevView | undefined {
  return useSyncExternalStore(dev ? dev.subscribe : none, dev ? dev.getSnapshot : nothing, dev ? dev.getSnapshot : nothing);
}
