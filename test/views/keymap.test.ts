import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  actionIds,
  activeScopes,
  displayKeys,
  hintsFor,
  keymap,
  keyName,
  paneIds,
  resolveKey,
  scopes,
  type Binding,
  type ModalScope,
} from '../../src/views/keymap.js';
import { helpLines } from '../../src/views/Dialogs.js';
import { noKey } from '../../src/views/screen-keys.js';

/** Shadowing on purpose: in Details, Esc goes back to the list instead of clearing its filter. */
const intentional = new Set(['details.back>list.clearFilter']);

describe('keymap', () => {
  it('gives every action at least one key and a description', () => {
    for (const id of actionIds) {
      const b: Binding = keymap[id];
      assert.ok(b.keys.length > 0, `${id} has no key`);
      assert.ok(b.description.trim().length > 3, `${id} has no description`);
      assert.ok((scopes as readonly string[]).includes(b.scope), `${id}: unknown scope ${b.scope}`);
    }
  });

  it('binds no key twice in one scope', () => {
    for (const s of scopes) {
      const seen = new Map<string, string>();
      for (const id of actionIds) {
        const b: Binding = keymap[id];
        if (b.scope !== s) continue;
        for (const k of b.keys) {
          assert.equal(seen.get(k), undefined, `${k} bound to ${seen.get(k)} and ${id} in ${s}`);
          seen.set(k, id);
        }
      }
    }
  });

  it('shadows no key across the scopes that stack, except on purpose', () => {
    const stacks = [...paneIds.map((p) => activeScopes(p, undefined))];
    for (const stack of stacks) {
      const owner = new Map<string, string>();
      for (const s of stack)
        for (const id of actionIds) {
          const b: Binding = keymap[id];
          if (b.scope !== s) continue;
          for (const k of b.keys) {
            const prev = owner.get(k);
            if (prev) assert.ok(intentional.has(`${prev}>${id}`), `${k}: ${prev} shadows ${id} in [${stack.join(', ')}]`);
            else owner.set(k, id);
          }
        }
    }
  });

  it('has the keys the issue asks for', () => {
    const where = (k: string, pane: (typeof paneIds)[number]) => resolveKey(k, activeScopes(pane, undefined));
    assert.equal(where('tab', 'containers'), 'app.nextPane');
    assert.equal(where('S-tab', 'containers'), 'app.prevPane');
    for (const [i, p] of paneIds.entries()) assert.equal(where(String(i + 1), 'images'), `app.pane.${p}`);
    for (const [k, a] of [
      ['up', 'list.up'],
      ['k', 'list.up'],
      ['down', 'list.down'],
      ['j', 'list.down'],
      ['pageup', 'list.pageUp'],
      ['pagedown', 'list.pageDown'],
      ['g', 'list.top'],
      ['G', 'list.bottom'],
      ['enter', 'list.details'],
    ] as const)
      assert.equal(where(k, 'containers'), a, k);
    assert.equal(where('s', 'containers'), 'containers.toggle');
    assert.equal(where('r', 'containers'), 'containers.restart');
    assert.equal(where('d', 'containers'), 'containers.delete');
    assert.equal(where('d', 'images'), 'images.delete');
    assert.equal(where('R', 'images'), 'images.run');
    assert.equal(where('l', 'containers'), 'containers.logs');
    assert.equal(where('e', 'containers'), 'containers.exec');
    assert.equal(where('p', 'logs'), 'app.pull');
    assert.equal(where('b', 'images'), 'app.build');
    assert.equal(where('/', 'logs'), 'app.filter');
    assert.equal(where('w', 'build'), 'app.watch');
    assert.equal(where('?', 'details'), 'app.help');
    assert.equal(where('q', 'containers'), 'app.quit');
    assert.equal(where('C-c', 'containers'), 'app.interrupt');
    // Pane keys stay in their pane.
    assert.equal(where('s', 'images'), undefined);
    assert.equal(where('R', 'containers'), undefined);
  });

  it('lets modals take keys before the panes, but Ctrl-C always quits', () => {
    const modals: ModalScope[] = ['confirm', 'form', 'pull', 'help', 'prompt'];
    for (const m of modals) {
      const stack = activeScopes('containers', m);
      assert.equal(resolveKey('C-c', stack), 'app.interrupt', m);
      assert.equal(resolveKey('s', stack), undefined, `s leaks through ${m}`);
      assert.equal(resolveKey('1', stack), undefined, `1 leaks through ${m}`);
    }
    assert.equal(resolveKey('q', activeScopes('containers', 'pull')), undefined, 'q must be typeable in the pull input');
    assert.equal(resolveKey('y', activeScopes('containers', 'confirm')), 'confirm.yes');
    assert.equal(resolveKey('enter', activeScopes('containers', 'confirm')), 'confirm.no');
  });

  it('names Ink key events canonically', () => {
    assert.equal(keyName('q', noKey), 'q');
    assert.equal(keyName('G', { ...noKey, shift: true }), 'G');
    assert.equal(keyName('c', { ...noKey, ctrl: true }), 'C-c');
    assert.equal(keyName('', { ...noKey, tab: true }), 'tab');
    assert.equal(keyName('', { ...noKey, tab: true, shift: true }), 'S-tab');
    assert.equal(keyName('', { ...noKey, upArrow: true }), 'up');
    assert.equal(keyName('', { ...noKey, pageDown: true }), 'pagedown');
    assert.equal(keyName('', { ...noKey, return: true }), 'enter');
    assert.equal(keyName('', { ...noKey, escape: true, meta: true }), 'escape');
    assert.equal(keyName('', { ...noKey, delete: true }), 'backspace');
    assert.equal(keyName('hello', noKey), undefined);
  });

  it('draws the footer hints and the help from the table', () => {
    const hints = hintsFor(activeScopes('containers', undefined));
    assert.ok(hints.some((h) => h.keys === 's' && h.label === 'start/stop'));
    assert.ok(hints.some((h) => h.keys === 'q' && h.label === 'quit'));
    assert.ok(!hints.some((h) => h.label === 'run'), 'image-only hint in the containers footer');
    const help = helpLines();
    for (const id of actionIds)
      assert.ok(
        help.some((l) => l.text === keymap[id].description && l.keys === displayKeys(id)),
        `${id} missing from help`,
      );
    assert.equal(displayKeys('list.up'), '↑/k');
  });
});
