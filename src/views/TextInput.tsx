import { Text } from 'ink';
import { Styled } from './Styled.js';
import type { TextInputState } from './text-input.js';

/** Markup of a one-line field: the cursor drawn in inverse video, a placeholder when empty. */
export function TextInput(props: {
  readonly state: TextInputState;
  readonly focused: boolean;
  readonly placeholder?: string;
  readonly width: number;
}) {
  const { value, cursor } = props.state;
  if (!props.focused)
    return value === '' && props.placeholder ? (
      <Styled token="text.muted">{props.placeholder}</Styled>
    ) : (
      <Text wrap="truncate-end">{value}</Text>
    );
  // Keep the cursor in view when the value is wider than the field.
  const room = Math.max(1, props.width - 1);
  const start = Math.max(0, cursor - room + 1);
  const shown = value.slice(start, start + room + 1);
  const c = cursor - start;
  const at = shown[c] ?? ' ';
  return (
    <Text wrap="truncate-end">
      {shown.slice(0, c)}
      <Text inverse>{at}</Text>
      {shown.slice(c + 1)}
      {value === '' && props.placeholder ? <Styled token="text.muted">{` ${props.placeholder}`}</Styled> : null}
    </Text>
  );
}
