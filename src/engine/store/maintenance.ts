// check / gc / df of the store.
import { EngineError } from '../define.js';
import type { CheckReport, DfReport, GcReport, Store } from './index.js';

export async function checkStore(_s: Store, _opts?: unknown): Promise<CheckReport> {
  throw new EngineError('internal', 'check lands in a later commit');
}
export async function gcStore(_s: Store, _opts?: unknown): Promise<GcReport> {
  throw new EngineError('internal', 'gc lands in a later commit');
}
export async function dfStore(_s: Store): Promise<DfReport> {
  throw new EngineError('internal', 'df lands in a later commit');
}
