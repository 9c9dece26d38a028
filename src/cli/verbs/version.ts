import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'version',
  synopsis: '',
  summary: 'Show the version of dockui and of the parts it drives',
  flags: {},
  async run(ctx) {
    ctx.stdout.write(`dockui 0.1.0\nnode ${process.version}\nroot ${ctx.paths.root}\nrunroot ${ctx.paths.runRoot}\n`);
    return 0;
  },
});
