import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { parseReference, withDigest, withTag } from '../../../src/engine/util/reference.js';

const hex = 'a'.repeat(64);

describe('parseReference', () => {
  const cases: [string, string, string, Partial<Record<'domain' | 'path' | 'tag' | 'digest', string>>][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36', { tag: '1.36' }],
    ['user/x', 'docker.io/user/x:latest', 'user/x:latest', { domain: 'docker.io', path: 'user/x' }],
    ['index.docker.io/library/alpine', 'docker.io/library/alpine:latest', 'alpine:latest', { domain: 'docker.io' }],
    ['docker.io/library/a/b', 'docker.io/library/a/b:latest', 'library/a/b:latest', { path: 'library/a/b' }],
    [
      '127.0.0.1:5000/fixture/busybox',
      '127.0.0.1:5000/fixture/busybox:latest',
      '127.0.0.1:5000/fixture/busybox:latest',
      { domain: '127.0.0.1:5000', path: 'fixture/busybox' },
    ],
    ['localhost/x:v1', 'localhost/x:v1', 'localhost/x:v1', { domain: 'localhost', path: 'x', tag: 'v1' }],
    ['localhost:5000/a/b_c.d-e', 'localhost:5000/a/b_c.d-e:latest', 'localhost:5000/a/b_c.d-e:latest', { path: 'a/b_c.d-e' }],
    ['Registry.Example.com/x', 'Registry.Example.com/x:latest', 'Registry.Example.com/x:latest', { domain: 'Registry.Example.com' }],
    ['[::1]:5000/x', '[::1]:5000/x:latest', '[::1]:5000/x:latest', { domain: '[::1]:5000' }],
    [`busybox@sha256:${hex}`, `docker.io/library/busybox@sha256:${hex}`, `busybox@sha256:${hex}`, { digest: `sha256:${hex}` }],
    [`h:1/x:t@sha256:${hex}`, `h:1/x@sha256:${hex}`, `h:1/x:t@sha256:${hex}`, { domain: 'h:1', tag: 't', digest: `sha256:${hex}` }],
  ];
  for (const [input, full, familiar, fields] of cases) {
    it(`normalizes ${input}`, () => {
      const r = parseReference(input);
      assert.equal(r.toString(), full);
      assert.equal(String(r), full);
      assert.equal(r.familiar(), familiar);
      for (const [k, v] of Object.entries(fields)) assert.equal(r[k as keyof typeof fields], v, k);
      // Normalizing twice changes nothing.
      assert.equal(parseReference(r.toString()).toString(), full);
    });
  }

  it('leaves the tag undefined when only a digest is given', () => {
    const r = parseReference(`x/y@sha256:${hex}`);
    assert.equal(r.tag, undefined);
    assert.equal(r.name, 'docker.io/x/y');
  });

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['Busybox', /lowercase/],
    ['user/UPPER', /lowercase/],
    ['a b', /whitespace/],
    ['busybox:', /bad tag/],
    ['busybox:-x', /bad tag/],
    [`busybox:${'t'.repeat(129)}`, /bad tag/],
    ['busybox@sha256:abc', /bad digest/],
    [`busybox@sha256:${'A'.repeat(64)}`, /bad sha256 digest/],
    [`busybox@md5:${hex}`, /unsupported digest algorithm/],
    ['busybox@', /bad digest/],
    ['/busybox', /bad repository name/],
    ['busybox/', /bad repository name/],
    ['a//b', /bad repository name/],
    ['-host.com/x', /bad registry host/],
    ['host.com:port/x', /bad registry host/],
    [':tag', /missing repository name/],
    [hex, /image id/],
    [`x/${'a'.repeat(260)}`, /longer than 255/],
  ];
  for (const [input, re] of bad) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.throws(
        () => parseReference(input),
        (e: unknown) =>
          isEngineError(e) &&
          e.code === 'invalid_argument' &&
          e.message.startsWith('invalid reference format: ') &&
          re.test(e.message) &&
          !e.message.includes('\n'),
      );
    });
  }

  it('derives tag and digest variants', () => {
    const r = parseReference('127.0.0.1:5000/a/b:1');
    assert.equal(withTag(r, '2').toString(), '127.0.0.1:5000/a/b:2');
    assert.equal(withDigest(r, `sha256:${hex}`).toString(), `127.0.0.1:5000/a/b@sha256:${hex}`);
    assert.throws(() => withTag(r, 'bad tag'), /invalid reference format/);
  });
});
