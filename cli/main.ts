/**
 * `kikigaki` command line: parse, search and tag transcripts without any server.
 *   kikigaki parse FILE [--format F] [--id ID]
 *   kikigaki search QUERY [--tag T]… [--match all|any] [--speaker R] [--limit N] [--json] FILES|DIRS…
 *   kikigaki tags [--json] FILES|DIRS…
 */
import { parseArgs } from 'node:util';
import { cliToken } from '../lib/config.ts';
import { KikigakiError } from '../lib/errors.ts';
import { type Format, FormatSchema, type Interview } from '../lib/model.ts';
import { buildTaggedIndex } from '../lib/search/build.ts';
import type { SearchHit } from '../lib/search/index.ts';
import { TopicTagger } from '../lib/tagger.ts';
import { shippedModel } from '../lib/tagging/shipped.ts';
import { loadReadings } from '../lib/text/readings.ts';
import { apiUrlProblem, ingestFiles, summarize } from './ingest.ts';
import { loadTranscripts, parseFile } from './load.ts';

const USAGE = `kikigaki — search and tag Japanese interview transcripts

Usage:
  kikigaki parse FILE [--format auto|blog|dash|prefixed|tsv|markdown|json|vtt|srt|timestamped] [--id ID]
      Prints the canonical JSON of one transcript (text, WebVTT, SRT or a Word .docx).
  kikigaki search QUERY [--tag TOPIC]... [--match all|any] [--speaker interviewee|interviewer|any]
                  [--limit N] [--json] [--no-readings] FILE|DIR...
      Parses, tags and indexes the files, then prints the best quotes with highlighted snippets.
      Kana typed for a kanji word finds it (けっこん → 結婚); --no-readings skips loading the
      reading dictionary (about a second) and that matching.
  kikigaki tags [--json] FILE|DIR...
      Prints the topics found and the interviewees per topic.
  kikigaki ingest FILE|DIR... --api URL [--token T] [--format F] [--concurrency N]
      Uploads transcripts to a running API (token also from KIKIGAKI_TOKEN), with a progress bar
      and a summary; continues past files that fail.

Examples:
  kikigaki parse samples/04-dash-yuki.txt
  kikigaki search "クラウドソーシング" --tag crowdsourcing samples
  kikigaki tags samples
  kikigaki ingest ../shared/corpora/livedoor-interviews --api http://localhost:3000 --token $TOKEN
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`kikigaki: ${message}\n`);
  process.exit(code);
}

function parseFormat(value: string | undefined): Format | undefined {
  if (value === undefined) return undefined;
  const f = FormatSchema.safeParse(value);
  if (!f.success) fail(`unknown --format '${value}'; use one of ${FormatSchema.options.join(', ')}`);
  return f.data;
}

async function load(paths: string[], format?: Format): Promise<Interview[]> {
  if (paths.length === 0) fail('no files given');
  const loaded = await loadTranscripts(paths, format);
  const good: Interview[] = [];
  for (const l of loaded) {
    if ('error' in l) process.stderr.write(`skipped ${l.path}: ${l.error}\n`);
    else good.push(l.interview);
  }
  if (good.length === 0) fail('no transcript could be parsed', 1);
  return good;
}

function mark(hit: SearchHit, tty: boolean): string {
  const { snippet, ranges } = hit.highlight;
  let out = '';
  let pos = 0;
  for (const r of ranges) {
    const m = snippet.slice(r.start, r.end);
    out += snippet.slice(pos, r.start) + (tty ? `\x1b[1;33m${m}\x1b[0m` : `【${m}】`);
    pos = r.end;
  }
  return (out + snippet.slice(pos)).replace(/\s*\n\s*/g, ' ');
}

async function cmdParse(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, id: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) fail('parse takes exactly one FILE');
  const interview = await parseFile(file, { format: parseFormat(values.format), id: values.id });
  process.stdout.write(`${JSON.stringify(interview, null, 2)}\n`);
}

async function cmdSearch(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      tag: { type: 'string', multiple: true },
      match: { type: 'string' },
      speaker: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      'no-readings': { type: 'boolean' },
    },
  });
  const [query, ...files] = positionals;
  if (query === undefined) fail('search needs a QUERY and FILES');
  const interviews = await load(files, parseFormat(values.format));
  const tagger = new TopicTagger({ model: shippedModel });
  // Readings make kana typed for a kanji word match (けっこん → 結婚), as on the server; loading
  // the dictionary costs a second or more, which --no-readings skips.
  const readings = values['no-readings'] ? undefined : await loadReadings();
  const index = buildTaggedIndex(interviews, tagger, readings);
  const page = index.search({
    q: query,
    tags: values.tag ?? [],
    match: values.match as 'all' | 'any' | undefined,
    speaker: values.speaker as 'interviewee' | 'interviewer' | 'any' | undefined,
    limit: values.limit ? Number(values.limit) : 5,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return;
  }
  const tty = process.stdout.isTTY === true;
  const how = page.matched === 'any' ? ' (no quote has every term; showing quotes with any)' : '';
  process.stdout.write(
    `${page.total} quote(s) for "${query}" in ${interviews.length} interview(s)${how}\n\n`,
  );
  page.hits.forEach((h, i) => {
    process.stdout.write(
      `${i + 1}. ${h.speaker.name} (${h.speaker.role}) — ${h.interviewTitle}${h.section ? ` › ${h.section}` : ''}\n`,
    );
    process.stdout.write(`   ${mark(h, tty)}\n`);
    if (h.question) process.stdout.write(`   Q: ${h.question.text.replace(/\s*\n\s*/g, ' ').slice(0, 80)}\n`);
    process.stdout.write(`   tags: ${h.tags.join(', ') || '—'}   id: ${h.quoteId}   score: ${h.score}\n\n`);
  });
  const facetTags = Object.entries(page.facets.tags).sort((a, b) => b[1] - a[1]);
  if (facetTags.length > 0)
    process.stdout.write(`topics in these results: ${facetTags.map(([t, n]) => `${t} (${n})`).join(', ')}\n`);
}

async function cmdTags(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, format: { type: 'string' } },
  });
  const interviews = await load(positionals, parseFormat(values.format));
  const tagger = new TopicTagger({ model: shippedModel });
  const topics = tagger.taxonomy.topics.map((t) => ({
    id: t.id,
    label: t.label,
    labelEn: t.labelEn,
    quotes: 0,
    interviewees: [] as Array<{
      id: string;
      name: string;
      quotes: number;
      evidence: { quoteId: string; text: string };
      best: number;
    }>,
  }));
  for (const iv of interviews) {
    const tags = tagger.tagInterview(iv);
    for (const ms of tags.quotes.values())
      for (const m of ms) {
        const t = topics.find((x) => x.id === m.topic);
        if (t) t.quotes++;
      }
    for (const person of iv.interviewees) {
      for (const pt of tags.interviewees.get(person.id) ?? []) {
        const t = topics.find((x) => x.id === pt.topic);
        const quote = iv.turns.find((q) => q.id === pt.evidence);
        if (!t || !quote) continue;
        // A person speaks in several interviews under one id (the same handle, @haruka_nw):
        // one line per person, their quotes counted across them, the evidence of the most.
        const seen = t.interviewees.find((p) => p.id === person.id);
        if (!seen)
          t.interviewees.push({
            id: person.id,
            name: person.name,
            quotes: pt.quotes,
            evidence: { quoteId: quote.id, text: quote.text },
            best: pt.quotes,
          });
        else {
          seen.quotes += pt.quotes;
          if (pt.quotes > seen.best) {
            seen.best = pt.quotes;
            seen.evidence = { quoteId: quote.id, text: quote.text };
          }
        }
      }
    }
  }
  for (const t of topics) t.interviewees.sort((a, b) => b.quotes - a.quotes || a.name.localeCompare(b.name));
  if (values.json) {
    const out = topics.map((t) => ({ ...t, interviewees: t.interviewees.map(({ best: _, ...p }) => p) }));
    process.stdout.write(`${JSON.stringify({ topics: out }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${interviews.length} interview(s), ${interviews.reduce((n, iv) => n + iv.turns.length, 0)} quotes\n\n`,
  );
  for (const t of topics) {
    process.stdout.write(`${t.id}  ${t.label} / ${t.labelEn} — ${t.quotes} quote(s)\n`);
    for (const p of t.interviewees) {
      process.stdout.write(
        `   ${p.name} (${p.quotes}): ${p.evidence.text.replace(/\s*\n\s*/g, ' ').slice(0, 60)}…\n`,
      );
    }
  }
}

async function cmdIngest(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      format: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  if (!values.api) fail('ingest needs --api URL (e.g. http://localhost:3000)');
  const apiProblem = apiUrlProblem(values.api);
  if (apiProblem) fail(apiProblem);
  const concurrency = Number(values.concurrency ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
    fail('--concurrency must be a whole number from 1 to 16');
  const token = values.token ?? cliToken();
  if (!token) fail('ingest needs --token T or KIKIGAKI_TOKEN (npm start prints the token)');
  if (positionals.length === 0) fail('ingest needs FILES or DIRS');
  if (values.format) parseFormat(values.format);
  const outcomes = await ingestFiles(positionals, {
    api: values.api,
    token,
    format: values.format,
    concurrency,
  });
  process.stdout.write(summarize(outcomes));
  if (outcomes.some((o) => o.status === 'failed' || o.status === 'skipped')) process.exitCode = 1;
}

/** Runs the CLI with the given arguments (without `node` and the script). */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    if (command === 'parse') await cmdParse(rest);
    else if (command === 'search') await cmdSearch(rest);
    else if (command === 'tags') await cmdTags(rest);
    else if (command === 'ingest') await cmdIngest(rest);
    else if (!command || command === 'help' || command === '--help' || command === '-h')
      process.stdout.write(USAGE);
    else fail(`unknown command '${command}'\n\n${USAGE}`);
  } catch (e) {
    if (e instanceof KikigakiError) fail(`${e.code}: ${e.message}`, 1);
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) fail(e.message);
    if (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EISDIR')) fail(e.message, 1);
    throw e;
  }
}
