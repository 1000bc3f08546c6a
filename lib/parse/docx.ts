/**
 * Word documents (.docx), the usual delivery of a 文字起こし: the text is read with mammoth (its
 * paragraphs, separated by blank lines) and then parsed as any other transcript, its layout
 * auto-detected (`山田：…`, `[00:12:03] 山田：…`, a name on its own line…).
 *
 * A .docx is a zip archive, so a small body can inflate to gigabytes: before mammoth reads it,
 * every entry is inflated once as a stream and counted, and the document is refused past
 * {@link MAX_DOCX_INFLATED_BYTES} (declared sizes in the archive are not trusted).
 */
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { ParseError } from '../errors.ts';

/** The four bytes every zip archive (and so every .docx) starts with: `PK\x03\x04`. */
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04] as const;

/** Most bytes the entries of one document may inflate to, all together. */
export const MAX_DOCX_INFLATED_BYTES = 32 * 1024 * 1024;

/** The content type of a .docx. */
export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** True when the bytes start as a zip archive does (a .docx, whatever its name or content type). */
export function isZip(bytes: Uint8Array): boolean {
  return ZIP_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Refuses bytes sent as a .docx that are no zip archive (a 422 naming why, not a parse of noise). */
export function requireDocx(bytes: Uint8Array): void {
  if (!isZip(bytes))
    throw new ParseError(
      1,
      'not a Word document: a .docx is a zip archive (it starts with PK), this is not one',
      'docx',
    );
}

class TooLarge extends Error {}

/** Inflates one entry as a stream, counting; rejects as soon as the count passes `budget`. */
function inflatedSize(file: JSZip.JSZipObject, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const stream = file.nodeStream('nodebuffer');
    stream.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > budget) {
        // Stop inflating: the rest of the entry is never produced.
        stream.pause();
        stream.removeAllListeners('data');
        reject(new TooLarge());
      }
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(n));
  });
}

const fail = (reason: string) => new ParseError(1, reason, 'docx');

/** The text of a Word document: paragraphs separated by blank lines. */
export async function docxText(bytes: Uint8Array): Promise<string> {
  requireDocx(bytes);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  } catch (e) {
    throw fail(`not a readable .docx: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!zip.file('word/document.xml'))
    throw fail('a zip archive without word/document.xml is not a Word document');
  let budget = MAX_DOCX_INFLATED_BYTES;
  try {
    for (const file of Object.values(zip.files)) {
      if (file.dir) continue;
      budget -= await inflatedSize(file, budget);
    }
  } catch (e) {
    if (e instanceof TooLarge)
      throw fail(`the document inflates to more than ${MAX_DOCX_INFLATED_BYTES / 1024 / 1024} MB; split it`);
    throw fail(`a damaged .docx: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(bytes) });
    return value;
  } catch (e) {
    throw fail(`could not read the Word document: ${e instanceof Error ? e.message : String(e)}`);
  }
}
