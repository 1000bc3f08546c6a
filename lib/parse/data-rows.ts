/**
 * Data rows found by their shape, not by their words: a spec table (`型式：…` / `画面サイズ：…` /
 * `表示画素数(水平×垂直)：…`), an app box (`アプリ名：` / `価格：` / `開発者：`) or a profile box
 * (`誕生日：` / `出身地：` / `血液型：`) is a run of three or more consecutive `label：value` lines
 * with no label twice, whose values are mostly no utterance (no sentence end), and whose labels
 * speak nowhere else on the page. A round table's three speakers in a row (`A：うん` / `B：そう` /
 * `C：えー`) speak again elsewhere, so their run is no table; a roster before the first question
 * (`W：Webディレクター`) names people who speak later, so it is left to the parser too.
 *
 * The word list of prefixed.ts (`isFieldLabel`) still names rows that stand alone (`住所：…` under
 * a shop's name); this finds the long tail of table labels no list holds (`面積`, `車種・機種名`,
 * `内蔵HDD`). One pass over the lines, fed by the parser's own label match: linear in the text.
 */

/** How an utterance ends (`。`, `！`, `？`, `…`, a closing quote, `（笑）`). */
const SPOKEN_END = /(?:[。！？!?…」』]|[（(]笑[）)])\s*$/;

/** Fewest rows that make a table: two rows may be a speaker answered once. */
const MIN_ROWS = 3;

interface Run {
  lines: number[];
  labels: string[];
  /** The labels again, looked up on each row (a run of 64 rows would scan 64 labels per row). */
  seen: Set<string>;
  spoken: number;
}

const newRun = (): Run => ({ lines: [], labels: [], seen: new Set(), spoken: 0 });

/**
 * Collects the `label：value` lines of a text in order and tells which of them are data rows.
 * Feed every line from the first to the last: {@link row} for a line with a label, {@link other}
 * for any other line (blank lines, prose, headings end a run).
 */
export class DataRowFinder {
  private run: Run | null = null;
  private readonly tables: Run[] = [];
  /** Labels seen on a line outside every run that may be a table. */
  private readonly free = new Set<string>();

  /** Line `i` is `label：value`. */
  row(i: number, label: string, value: string): void {
    const key = label.trim();
    // A label back with no break between (`A：…` `B：…` `A：…`): people talking, not a table.
    if (this.run?.seen.has(key)) this.end(false);
    this.run ??= newRun();
    // A table has a few dozen rows at most: a longer run of distinct labels is a transcript.
    if (this.run.labels.length >= 64) {
      this.end(false);
      this.run = newRun();
    }
    this.run.lines.push(i);
    this.run.labels.push(key);
    this.run.seen.add(key);
    if (SPOKEN_END.test(value.slice(-8))) this.run.spoken++;
  }

  /** Line `i` has no label: the run before it ends. */
  other(): void {
    if (this.run) this.end();
  }

  private end(table = true): void {
    const run = this.run as Run;
    this.run = null;
    if (table && run.lines.length >= MIN_ROWS && run.spoken * 3 <= run.lines.length) this.tables.push(run);
    else for (const l of run.labels) this.free.add(l);
  }

  /**
   * The data rows' line indices: each table-shaped run whose labels, but for a third of them at
   * most, never head a line outside such runs.
   */
  finish(): Set<number> {
    if (this.run) this.end();
    const rows = new Set<number>();
    for (const t of this.tables) {
      const free = t.labels.filter((l) => this.free.has(l)).length;
      if (free * 3 <= t.labels.length) for (const i of t.lines) rows.add(i);
    }
    return rows;
  }
}
