// The search's pieces that need no registry (Link headers, docker's term split and filters), and
// Docker Hub's v1 search reply as a hostile server may send it: no real registry here speaks v1
// search (Docker Hub is out of reach), so a small local server plays one to inject what the
// client must refuse or clean (bad entries, escapes in descriptions, a reply too large).
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { searchFilter, splitSearchTerm } from '../../../src/engine/facade/search.js';
import { RegistryClient } from '../../../src/engine/registry/client.js';
import { nextLink, searchHub, type SearchHit } from '../../../src/engine/registry/search.js';

const hit = (o: Partial<SearchHit>): SearchHit => ({
  name: 'x',
  description: '',
  starCount: 0,
  isOfficial: false,
  isAutomated: false,
  ...o,
});

describe('search pieces', () => {
  it('nextLink: the rel="next" target among Link values, quoted or not, with other relations', () => {
    assert.equal(nextLink('</v2/_catalog?last=a&n=2>; rel="next"'), '/v2/_catalog?last=a&n=2');
    assert.equal(nextLink('<https://r/v2/_catalog?last=b>; rel=next'), 'https://r/v2/_catalog?last=b');
    assert.equal(nextLink('</prev>; rel="prev", </next>; title="x"; rel="next last"'), '/next');
    assert.equal(nextLink(['</a>; rel="prev"', '</b>; rel="next"']), '/b');
    assert.equal(nextLink('</a>; rel="prev"'), undefined);
    assert.equal(nextLink('</a>; rel="nextish"'), undefined);
    assert.equal(nextLink(undefined), undefined);
    assert.equal(nextLink('garbage'), undefined);
  });

  it("splitSearchTerm: docker's rule (a first part with a dot, a colon or localhost is a registry)", () => {
    assert.deepEqual(splitSearchTerm('busybox'), { registry: 'docker.io', term: 'busybox' });
    assert.deepEqual(splitSearchTerm('library/busybox'), { registry: 'docker.io', term: 'library/busybox' });
    assert.deepEqual(splitSearchTerm('127.0.0.1:5000/fixture/busybox'), { registry: '127.0.0.1:5000', term: 'fixture/busybox' });
    assert.deepEqual(splitSearchTerm('localhost/x'), { registry: 'localhost', term: 'x' });
    assert.deepEqual(splitSearchTerm('registry.example.com/'), { registry: 'registry.example.com', term: '' });
    assert.deepEqual(splitSearchTerm('127.0.0.1:5000'), { registry: 'docker.io', term: '127.0.0.1:5000' });
  });

  it("searchFilter: docker's daemon's filters and its errors", () => {
    const stars = searchFilter(new Map([['stars', ['3', '10']]]));
    assert.deepEqual([stars(hit({ starCount: 9 })), stars(hit({ starCount: 10 }))], [false, true]);
    const official = searchFilter(new Map([['is-official', ['true', 'true']]]));
    assert.deepEqual([official(hit({ isOfficial: true })), official(hit({}))], [true, false]);
    const notAuto = searchFilter(new Map([['is-automated', ['false']]]));
    assert.deepEqual([notAuto(hit({ isAutomated: true })), notAuto(hit({}))], [false, true]);
    assert.equal(searchFilter(undefined)(hit({})), true);
    const err = (f: Map<string, string[]>) => {
      try {
        searchFilter(f);
      } catch (e) {
        assert.ok(isEngineError(e) && e.code === 'invalid_argument');
        return e.message;
      }
      return 'no error';
    };
    assert.equal(err(new Map([['label', ['a=b']]])), "Invalid filter 'label'");
    assert.equal(err(new Map([['is-official', ['yes']]])), "Invalid filter 'is-official=[yes]'");
    assert.equal(err(new Map([['is-automated', ['true', 'false']]])), "Invalid filter 'is-automated=[false true]'");
    assert.equal(err(new Map([['stars', ['1', 'many']]])), "Invalid filter 'stars=many'");
  });
});

describe('Docker Hub v1 search reply, hostile', () => {
  let reply: (res: ServerResponse) => void = (res) => res.end('{}');
  let asked = '';
  let server: Server;
  let client: RegistryClient;
  before(async () => {
    server = createServer((req, res) => {
      asked = req.url ?? '';
      reply(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new RegistryClient(`127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const json = (v: unknown) => (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(v));
  };

  it('asks q and n; keeps well-formed entries, cleans descriptions, counts the rest as refused', async () => {
    reply = json({
      num_results: 9,
      results: [
        { name: 'busybox', description: 'Busybox base image.', star_count: 3000, is_official: true, is_automated: false },
        { name: 'user/tool', description: 'red \u001b[31mtext\u001b[0m\r\nnext\u0007', star_count: 2 },
        { name: 'Upper/Case', star_count: 1 },
        { name: '../etc', star_count: 1 },
        { name: 'ok/stars', star_count: -1 },
        { name: 'ok/stars2', star_count: 1.5 },
        { name: 'ok/flag', is_official: 'yes' },
        { name: 'ok/desc', description: 42 },
        'not an object',
        { name: 'long/desc', description: 'x'.repeat(5000) },
      ],
    });
    const r = await searchHub(client, 'busy box', 25);
    assert.equal(asked, '/v1/search?q=busy+box&n=25');
    assert.deepEqual(
      r.hits.map((h) => h.name),
      ['busybox', 'user/tool', 'long/desc'],
    );
    assert.deepEqual(r.hits[0], {
      name: 'busybox',
      description: 'Busybox base image.',
      starCount: 3000,
      isOfficial: true,
      isAutomated: false,
    });
    assert.equal(r.hits[1]!.description, 'red  [31mtext [0m  next ');
    assert.equal(r.hits[2]!.description.length, 1000);
    assert.equal(r.refused, 7);
    // Never more than the limit asked for.
    assert.equal((await searchHub(client, 'busybox', 1)).hits.length, 1);
  });

  it('refuses a reply that is too large, not JSON, or without a results list', async () => {
    const fails = async (re: RegExp) =>
      assert.rejects(searchHub(client, 'x', 25), (e: unknown) => {
        assert.ok(isEngineError(e), String(e));
        assert.match(e.message, re);
        return true;
      });
    reply = json({ results: [{ name: 'a/b', description: 'x'.repeat(5 << 20) }] });
    await fails(/too large/);
    reply = (res) => res.end('<html>');
    await fails(/bad reply \(not JSON\)/);
    reply = json({ results: 'none' });
    await fails(/bad reply \(no "results" list\)/);
    reply = json(null);
    await fails(/bad reply \(no "results" list\)/);
  });
});
