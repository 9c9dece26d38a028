// `dockui logs`: a container's output as docker prints it, stdout to stdout and stderr to stderr;
// -f follows, --tail, --since and --until (RFC 3339, Unix seconds or a duration back from now)
// choose the lines, -t prefixes each with its time, --details with its --log-opt attributes.
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const logsVerb = defineVerb({
  name: 'logs',
  synopsis: '[OPTIONS] CONTAINER',
  summary: "Print a container's output (stdout here to stdout, stderr to stderr)",
  flags: {
    details: { help: 'Show extra details provided to logs' },
    follow: { short: 'f', help: 'Follow log output' },
    tail: { short: 'n', value: true, help: 'Number of lines to show from the end of the logs (default "all")' },
    since: { value: true, help: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
    timestamps: { short: 't', help: 'Show timestamps' },
    until: { value: true, help: 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', "'dockui logs' takes exactly one container");
    let tail: number | undefined;
    if (flags.tail !== undefined && flags.tail !== 'all') {
      // As dockerd: a --tail that is no count (abc, -1) shows every line.
      const n = Number(flags.tail);
      if (/^\d+$/.test(flags.tail.trim())) tail = n;
    }
    // A reader that goes away (`logs -f | head`) ends the command quietly.
    const closed = new AbortController();
    ctx.stdout.stream.once('error', () => closed.abort());
    const signal = AbortSignal.any([ctx.signal, closed.signal]);
    for await (const l of ctx.engine.containers.logs(positionals[0]!, {
      follow: flags.follow ?? false,
      ...(tail !== undefined ? { tail } : {}),
      ...(flags.since !== undefined ? { since: flags.since } : {}),
      ...(flags.until !== undefined ? { until: flags.until } : {}),
      ...(flags.details ? { details: true } : {}),
      signal,
    })) {
      if (closed.signal.aborted) break;
      (l.stream === 'stdout' ? ctx.stdout : ctx.stderr).write(`${flags.timestamps ? `${l.time} ` : ''}${l.text}${l.partial ? '' : '\n'}`);
    }
    return 0;
  },
});
