/**
 * POST /interviews with the formats transcripts arrive in (issue 13 §5): a Word document as a
 * binary body (its content type, or any body with the zip signature), WebVTT as text/vtt, SRT as
 * application/x-subrip; bad documents answer 422 and store nothing. Every response is checked
 * against the OpenAPI document by the runtime helper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCX_CONTENT_TYPE, MAX_DOCX_INFLATED_BYTES } from '../../lib/parse/docx.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { makeDocx } from '../helpers/docx.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

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

const post = (path: string, type: string, body: string | Uint8Array) =>
  rt.app.request(path, { method: 'POST', headers: { ...AUTH, 'content-type': type }, body });

const transcript = [
  '味噌蔵の見学記録',
  '聞き手：仕込みはいつですか？',
  '石田：冬です。寒い時期に仕込むと味が落ち着きます。',
  '聞き手：何年寝かせますか？',
  '石田：二年です。',
];

describe('POST /interviews with a Word document', () => {
  it('stores a .docx sent with its content type, parsed in its own layout', async () => {
    const r = await post('/interviews?id=miso-docx', DOCX_CONTENT_TYPE, await makeDocx(transcript));
    expect(r.status).toBe(201);
    const body = (await r.json()) as { quotes: number; interviewee: { name: string } };
    expect(body.quotes).toBe(4);
    expect(body.interviewee.name).toBe('石田');
    const stored = (await (await rt.app.request('/interviews/miso-docx')).json()) as {
      format: string;
      title: string;
      turns: Array<{ text: string }>;
    };
    expect(stored.format).toBe('prefixed');
    expect(stored.title).toBe('味噌蔵の見学記録');
    expect(stored.turns.map((t) => t.text)).toContain('二年です。');
  });

  it('reads a zip sent as application/octet-stream as a .docx, and other octets as text', async () => {
    const docx = await post(
      '/interviews?id=miso-octets',
      'application/octet-stream',
      await makeDocx(transcript),
    );
    expect(docx.status).toBe(201);
    const text = await post(
      '/interviews?id=miso-text-octets',
      'application/octet-stream',
      new TextEncoder().encode(transcript.join('\n')),
    );
    expect(text.status).toBe(201);
  });

  it('answers 422 for a body labelled .docx that is no zip, or a document that inflates too far, and stores nothing', async () => {
    const notZip = await post(
      '/interviews?id=bad-docx',
      DOCX_CONTENT_TYPE,
      new TextEncoder().encode('聞き手：x'),
    );
    expect(notZip.status).toBe(422);
    expect(((await notZip.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'parse_error',
      message: expect.stringMatching(/not a Word document/),
    });
    const bomb = await makeDocx(transcript, { 'word/media/x.bin': 'a'.repeat(MAX_DOCX_INFLATED_BYTES + 1) });
    const big = await post('/interviews?id=bomb-docx', DOCX_CONTENT_TYPE, bomb);
    expect(big.status).toBe(422);
    for (const id of ['bad-docx', 'bomb-docx'])
      expect((await rt.app.request(`/interviews/${id}`)).status).toBe(404);
  });
});

describe('POST /interviews with captions and subtitles', () => {
  it('stores WebVTT sent as text/vtt and SRT as application/x-subrip', async () => {
    const vtt = await post(
      '/interviews?id=kamaboko-vtt',
      'text/vtt',
      'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v 聞き手>工場は何時から？\n\n00:00:03.500 --> 00:00:06.000\n<v 三浦>朝五時からです。\n',
    );
    expect(vtt.status).toBe(201);
    const srt = await post(
      '/interviews?id=kamaboko-srt',
      'application/x-subrip',
      '1\n00:00:01,000 --> 00:00:03,000\n聞き手：魚は？\n\n2\n00:00:03,500 --> 00:00:06,000\n三浦：地元の港から。\n',
    );
    expect(srt.status).toBe(201);
    const stored = (await (await rt.app.request('/interviews/kamaboko-srt')).json()) as {
      format: string;
      turns: Array<{ role: string; speaker: string }>;
    };
    expect(stored.format).toBe('srt');
    expect(stored.turns.map((t) => [t.role, t.speaker])).toEqual([
      ['interviewer', '聞き手'],
      ['interviewee', '三浦'],
    ]);
  });

  it('titles a subtitle upload with ?title=, else its ?id=, else "untitled", never its first cue', async () => {
    const cues =
      '1\n00:00:01,000 --> 00:00:03,000\n聞き手：漁は？\n\n2\n00:00:03,500 --> 00:00:06,000\n三浦：冬が本番です。\n';
    const titleOf = async (path: string) => {
      const res = await post(path, 'application/x-subrip', cues);
      expect(res.status).toBeLessThan(300);
      const id = ((await res.json()) as { id: string }).id;
      return ((await (await rt.app.request(`/interviews/${id}`)).json()) as { title: string }).title;
    };
    expect(await titleOf('/interviews?id=gyo-srt&title=%E6%BC%81%E3%81%AE%E8%A9%B1')).toBe('漁の話');
    expect(await titleOf('/interviews?id=gyo-srt2')).toBe('gyo-srt2');
    expect(await titleOf('/interviews')).toBe('untitled');
    const vtt = await post(
      '/interviews?id=gyo-vtt',
      'text/vtt',
      'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v 聞き手>漁は？\n\n00:00:03.500 --> 00:00:06.000\n<v 三浦>冬です。\n',
    );
    expect(vtt.status).toBe(201);
    expect(((await (await rt.app.request('/interviews/gyo-vtt')).json()) as { title: string }).title).toBe(
      'gyo-vtt',
    );
  });

  it('searches what a subtitle file said', async () => {
    const r = await rt.app.request(`/search?q=${encodeURIComponent('朝五時')}`);
    const page = (await r.json()) as { hits: Array<{ interviewId: string }> };
    expect(page.hits.map((h) => h.interviewId)).toContain('kamaboko-vtt');
  });

  it('still refuses a type it cannot read with 415, naming the ones it can', async () => {
    const r = await post('/interviews', 'image/png', new Uint8Array([1, 2, 3]));
    expect(r.status).toBe(415);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/text\/vtt/);
  });
});
