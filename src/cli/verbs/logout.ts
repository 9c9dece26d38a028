import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';
import { registryDomain } from './login.js';

export const verb = defineVerb({
  name: 'logout',
  synopsis: '[SERVER]',
  summary: 'Remove the stored credentials of a registry',
  flags: {},
  async run(ctx, { positionals }) {
    if (positionals.length > 1) throw new EngineError('invalid_argument', `'dockui logout' takes at most one server`);
    const domain = registryDomain(positionals[0]);
    const { found } = await ctx.engine.registry.logout(domain);
    ctx.stdout.write(found ? `Removing login credentials for ${domain}\n` : `Not logged in to ${domain}\n`);
    return 0;
  },
});
