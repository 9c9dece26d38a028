// The one place the engine enters React: runTui creates it and hands it down here; components
// reach it only through the hooks in this folder.
import { createContext, useContext, type ReactNode } from 'react';
import type { Engine } from '../engine/types.js';

const EngineContext = createContext<Engine | undefined>(undefined);

export function EngineProvider(props: { readonly engine: Engine; readonly children: ReactNode }) {
  return <EngineContext.Provider value={props.engine}>{props.children}</EngineContext.Provider>;
}

export function useEngine(): Engine {
  const e = useContext(EngineContext);
  if (!e) throw new Error('useEngine() outside <EngineProvider>: runTui must wrap the app in one');
  return e;
}
