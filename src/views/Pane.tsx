import { Box, Text } from 'ink';
import { useContext, type ReactNode } from 'react';
import { Styled } from './Styled.js';
import { ThemeContext } from './theme.js';

/** A bordered frame of an explicit inner size with a title row; children fill the rest. */
export function Pane(props: {
  readonly title: string;
  readonly info?: string;
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
  readonly children: ReactNode;
}) {
  const theme = useContext(ThemeContext);
  const token = props.focused ? 'border.focused' : 'border.normal';
  const color = theme.tokens[token].color;
  // Without colour the focused frame is told apart by its heavier line.
  const style = theme.name === 'plain' ? (props.focused ? 'bold' : 'single') : 'round';
  return (
    <Box
      flexDirection="column"
      borderStyle={style}
      {...(color !== undefined ? { borderColor: color } : {})}
      width={props.width + 2}
      height={props.height + 2}
      overflow="hidden"
    >
      <Text wrap="truncate-end">
        <Styled token={props.focused ? 'text.accent' : 'text.heading'}>{props.title}</Styled>
        {props.info ? <Styled token="text.muted">{`  ${props.info}`}</Styled> : null}
      </Text>
      {props.children}
    </Box>
  );
}
