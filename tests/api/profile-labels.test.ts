/**
 * The console's profile labelled every tag a person's quotes carry 「トピック」, an editor's own
 * tag on a quote (mentor) too. The label says where a tag comes from: 発言から (carried by the
 * person's quotes, topic or not) or 人物に追加 (added to the person by hand).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, closeRuntime, type embedded, runtimeWithKenji } from '../helpers/dynamo.ts';

const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };
let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

beforeAll(async () => {
  ({ db, rt } = await runtimeWithKenji());
  // kenji-t005 is spoken by the interviewee kenji_camp.
  const quote = await rt.app.request('/quotes/kenji-t005/tags', {
    method: 'POST',
    headers: JSON_WRITE,
    body: JSON.stringify({ tags: ['mentor'] }),
  });
  expect(quote.status).toBe(200);
  const person = await rt.app.request('/interviewees/kenji_camp/tags', {
    method: 'POST',
    headers: JSON_WRITE,
    body: JSON.stringify({ tags: ['camper'] }),
  });
  expect(person.status).toBe(200);
});
afterAll(() => closeRuntime(db, rt));

/** The label printed beside each tag of the profile page, by tag id. */
async function labels(lang: string): Promise<Record<string, string>> {
  const res = await rt.app.request(`/people/kenji_camp${lang}`, { headers: { accept: 'text/html' } });
  expect(res.status).toBe(200);
  const html = await res.text();
  const list = /<ul class="person-tags">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  const out: Record<string, string> = {};
  for (const li of list.split('<li>').slice(1)) {
    const id = /data-tag="([^"]+)"/.exec(li)?.[1];
    const label = /<span class="muted">([^<]*)<\/span>/.exec(li)?.[1];
    if (id && label) out[id] = label;
  }
  return out;
}

describe('profile tag labels', () => {
  it('label tags by where they come from, not as topics', async () => {
    const api = (await (await rt.app.request('/interviewees/kenji_camp')).json()) as {
      tags: { id: string; source: string }[];
    };
    expect(api.tags.find((t) => t.id === 'mentor')?.source).toBe('topic');
    expect(api.tags.find((t) => t.id === 'camper')?.source).toBe('manual');
    const ja = await labels('');
    expect(ja.mentor).toBe('発言から');
    expect(ja['care-anxiety']).toBe('発言から');
    expect(ja.camper).toBe('人物に追加');
    expect(Object.values(ja)).not.toContain('トピック');
    const en = await labels('?lang=en');
    expect(en.mentor).toBe('from quotes');
    expect(en.camper).toBe('added to the person');
  });
});
