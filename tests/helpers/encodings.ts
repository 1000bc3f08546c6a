/**
 * Text encoded as the legacy Japanese encodings a transcript may arrive in. Node encodes UTF-8 and
 * UTF-16 only, so the table is built from its decoder: every two-byte code decoded once, reversed.
 */

const tables = new Map<string, Map<string, number[]>>();

function table(encoding: 'shift_jis' | 'euc-jp'): Map<string, number[]> {
  const cached = tables.get(encoding);
  if (cached) return cached;
  const decoder = new TextDecoder(encoding, { fatal: true });
  const map = new Map<string, number[]>();
  const leads = encoding === 'shift_jis' ? [...range(0x81, 0x9f), ...range(0xe0, 0xef)] : range(0xa1, 0xfe);
  const trails = encoding === 'shift_jis' ? [...range(0x40, 0x7e), ...range(0x80, 0xfc)] : range(0xa1, 0xfe);
  for (const lead of leads)
    for (const trail of trails) {
      let ch: string;
      try {
        ch = decoder.decode(new Uint8Array([lead, trail]));
      } catch {
        continue;
      }
      if (ch.length === 1 && !map.has(ch)) map.set(ch, [lead, trail]);
    }
  tables.set(encoding, map);
  return map;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** `text` in Shift_JIS or EUC-JP (ASCII as itself; a character neither has throws). */
export function encodeJapanese(text: string, encoding: 'shift_jis' | 'euc-jp'): Uint8Array {
  const map = table(encoding);
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const bytes = map.get(ch);
    if (!bytes) throw new Error(`'${ch}' has no ${encoding} code`);
    out.push(...bytes);
  }
  return new Uint8Array(out);
}

/** `text` in UTF-16 little-endian with its byte-order mark, as Windows Notepad saves "Unicode". */
export function utf16leWithBom(text: string): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}
