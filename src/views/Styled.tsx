import { Text } from 'ink';
import { useContext, type ReactNode } from 'react';
import { ThemeContext, type ThemeToken, type TokenStyle } from './theme.js';

export function textProps(s: TokenStyle): { color?: string; bold?: boolean; dimColor?: boolean; inverse?: boolean; underline?: boolean } {
  return {
    ...(s.color !== undefined ? { color: s.color } : {}),
    ...(s.bold ? { bold: true } : {}),
    ...(s.dim ? { dimColor: true } : {}),
    ...(s.inverse ? { inverse: true } : {}),
    ...(s.underline ? { underline: true } : {}),
  };
}

/** Text in a theme token's style: the only way views colour anything. */
export function Styled(props: {
  readonly token: ThemeToken | undefined;
  readonly children: ReactNode;
  readonly wrap?: 'truncate' | 'wrap';
}) {
  const theme = useContext(ThemeContext);
  const style = props.token ? theme.tokens[props.token] : {};
  return (
    <Text {...textProps(style)} {...(props.wrap ? { wrap: props.wrap === 'truncate' ? 'truncate-end' : 'wrap' } : {})}>
      {props.children}
    </Text>
  );
}
