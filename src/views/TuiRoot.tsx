import type { Engine } from '../engine/types.js';
import { EngineProvider } from '../hooks/EngineProvider.js';
import { TerminalControlContext, type TerminalControl } from '../hooks/terminal-control.js';
import { Screen, type BuildTarget } from './Screen.js';
import { ThemeContext, type Theme } from './theme.js';
import { TuiConfigContext, type TuiConfig } from './tui-config.js';
import type { DevControl } from './view-models.js';

const noConfig: TuiConfig = {};

/** Everything runTui mounts: the theme, the one engine, the terminal control, the screen. */
export function TuiRoot(props: {
  readonly engine: Engine;
  readonly theme: Theme;
  readonly terminal: TerminalControl | undefined;
  readonly build: BuildTarget;
  readonly dev?: DevControl | undefined;
  readonly config?: TuiConfig;
}) {
  return (
    <TuiConfigContext.Provider value={props.config ?? noConfig}>
      <ThemeContext.Provider value={props.theme}>
        <EngineProvider engine={props.engine}>
          <TerminalControlContext.Provider value={props.terminal}>
            <Screen build={props.build} {...(props.dev ? { dev: props.dev } : {})} />
          </TerminalControlContext.Provider>
        </EngineProvider>
      </ThemeContext.Provider>
    </TuiConfigContext.Provider>
  );
}
