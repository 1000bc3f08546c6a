/**
 * Transcripts in the encodings Japanese files arrive in (found trying the API as a user,
 * 2026-12-07): a Shift_JIS or EUC-JP body was decoded as UTF-8 with every invalid byte replaced,
 * so a TSV or WebVTT transcript was stored with U+FFFD for every Japanese character, speakers and
 * all (201, nothing said); a UTF-16 file (Notepad's "Unicode") was a 422 about its layout. Now a
 * body is read in the Content-Type's charset, as UTF-16 by its byte-order mark, or as UTF-8, and
 * bytes not valid in it are a 415 naming the likely encoding, with nothing stored. Every response
 * is checked against the OpenAPI document by the runtime helper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { encodeJapanese, utf16leWithBom } from '../helpers/encodings.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
});
afterAll(async () => {
  await rt.close();
  await db.close();
});

type Err = { error: { code: string; message: string; details?: Record<string, unknown> } };
type Stored = { turns: Array<{ speaker: string; text: string }> };

const post = (path: string, type: string, body: string | Uint8Array) =>
  rt.app.request(path, { method: 'POST', headers: { ...AUTH, 'content-type': type }, body });

const tsv = [
  '# title: 味噌蔵の見学記録',
  '聞き手\t仕込みはいつですか？',
  '石田\t冬です。寒い時期に仕込むと味が落ち着きます。',
  '聞き手\t何年寝かせますか？',
  '石田\t二年です。',
  '',
].join('\n');
const vtt = [
  'WEBVTT 蔵の話',
  '',
  '00:00:01.000 --> 00:00:04.000',
  '<v 聞き手>仕込みはいつですか？',
  '',
  '00:00:05.000 --> 00:00:09.000',
  '<v 石田>冬です。寒い時期に仕込みます。',
  '',
].join('\n');

async function count(): Promise<number> {
  const r = await rt.app.request('/interviews?limit=100');
  return ((await r.json()) as { interviews: unknown[] }).interviews.length;
}

describe('a transcript not in UTF-8', () => {
  it('Shift_JIS or EUC-JP sent as it is: 415 naming the encoding and the fix, nothing stored', async () => {
    const before = await count();
    for (const [encoding, type, text] of [
      ['shift_jis', 'text/tab-separated-values', tsv],
      ['euc-jp', 'text/vtt', vtt],
      ['shift_jis', 'text/plain', tsv],
    ] as const) {
      for (const path of ['/interviews?id=enc-test', '/interviews/preview']) {
        const r = await post(path, type, encodeJapanese(text, encoding));
        const body = (await r.json()) as Err;
        expect(r.status, `${encoding} ${type} ${path}: ${JSON.stringify(body)}`).toBe(415);
        expect(body.error.code).toBe('unsupported_media_type');
        expect(body.error.message).toContain(`not UTF-8 text (it reads as ${encoding})`);
        expect(body.error.message).toContain(`charset=${encoding}`);
        expect(body.error.details).toEqual({ charset: null, guess: encoding });
      }
    }
    expect(await count()).toBe(before);
    expect((await rt.app.request('/interviews/enc-test')).status).toBe(404);
  });

  it('with its charset named it is stored as the text it is', async () => {
    const r = await post(
      '/interviews?id=enc-sjis',
      'text/tab-separated-values; charset=Shift_JIS',
      encodeJapanese(tsv, 'shift_jis'),
    );
    expect(r.status, await r.clone().text()).toBe(201);
    const stored = (await (await rt.app.request('/interviews/enc-sjis')).json()) as Stored & {
      title: string;
    };
    expect(stored.title).toBe('味噌蔵の見学記録');
    expect(stored.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['聞き手', '仕込みはいつですか？'],
      ['石田', '冬です。寒い時期に仕込むと味が落ち着きます。'],
      ['聞き手', '何年寝かせますか？'],
      ['石田', '二年です。'],
    ]);
    const euc = await post(
      '/interviews?id=enc-euc',
      'text/vtt; charset="euc-jp"',
      encodeJapanese(vtt, 'euc-jp'),
    );
    expect(euc.status, await euc.clone().text()).toBe(201);
    const s2 = (await (await rt.app.request('/interviews/enc-euc')).json()) as Stored;
    expect(s2.turns[1]).toMatchObject({ speaker: '石田', text: '冬です。寒い時期に仕込みます。' });
  });

  it('UTF-16 with its byte-order mark (Notepad\'s "Unicode") is read as UTF-16', async () => {
    const r = await post('/interviews?id=enc-utf16', 'text/plain', utf16leWithBom(tsv));
    expect(r.status, await r.clone().text()).toBe(201);
    const stored = (await (await rt.app.request('/interviews/enc-utf16')).json()) as Stored;
    expect(stored.turns[3]).toMatchObject({ speaker: '石田', text: '二年です。' });
  });

  it('a charset the bytes are not valid in, or no charset at all, is a 415 saying so', async () => {
    const wrong = await post(
      '/interviews/preview',
      'text/plain; charset=utf-8',
      encodeJapanese(tsv, 'shift_jis'),
    );
    expect(wrong.status).toBe(415);
    expect(((await wrong.json()) as Err).error.message).toContain(
      'not valid utf-8 text (it reads as shift_jis)',
    );
    const unknown = await post('/interviews/preview', 'text/plain; charset=klingon', tsv);
    expect(unknown.status).toBe(415);
    expect(((await unknown.json()) as Err).error.message).toContain("unknown charset 'klingon'");
    // Random bytes read as no Japanese encoding: still a 415, with no guess.
    const noise = await post(
      '/interviews/preview',
      'text/plain',
      new Uint8Array([0x41, 0xff, 0xff, 0xff, 0x41]),
    );
    expect(noise.status).toBe(415);
    expect(((await noise.json()) as Err).error.details).toEqual({ charset: null, guess: null });
  });

  it('a JSON body in Shift_JIS is a 415 too, never an interview of U+FFFD', async () => {
    const json = JSON.stringify({ title: '蔵', turns: [{ speaker: '石田', text: '冬です。' }] });
    const r = await post('/interviews?id=enc-json', 'application/json', encodeJapanese(json, 'shift_jis'));
    expect(r.status).toBe(415);
    expect(((await r.json()) as Err).error.message).toContain('it reads as shift_jis');
    const ok = await post(
      '/interviews?id=enc-json',
      'application/json; charset=shift_jis',
      encodeJapanese(json, 'shift_jis'),
    );
    expect(ok.status, await ok.clone().text()).toBe(201);
    const stored = (await (await rt.app.request('/interviews/enc-json')).json()) as Stored;
    expect(stored.turns[0]).toMatchObject({ speaker: '石田', text: '冬です。' });
  });
});
