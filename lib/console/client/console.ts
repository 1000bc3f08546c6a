/**
 * The console's only script: search suggestions, the write token, tag editing with optimistic
 * locking, and transcript upload with a preview. Pages work without it for search and reading.
 * Built into lib/console/assets.gen.ts by `npm run build:console`. DOM nodes are built with
 * textContent only (never innerHTML): quotes and names are untrusted.
 */

import { resolveTagInput } from './tag-input.ts';

const TOKEN_KEY = 'kikigaki.writeToken';
const ACTOR_KEY = 'kikigaki.actor';
const lang: 'ja' | 'en' = document.body.dataset.lang === 'en' ? 'en' : 'ja';

const WORDS = {
  ja: {
    edit: 'タグを編集',
    mergeHere: 'この人物に統合',
    mergeConfirm: (name: string) => `「${name}」をこの人物に統合します。よろしいですか？`,
    editing: '編集中',
    editMode: '編集モード',
    add: '追加',
    addLabel: '追加するタグ',
    remove: (t: string) => `タグ「${t}」を外す`,
    saved: '保存しました',
    saving: '保存しています…',
    sep: '、',
    badToken: 'トークンが正しくありません',
    tokenOk: '編集できます。このタブを閉じるとトークンは消えます。',
    tokenCleared: '編集をやめました',
    checking: '確認しています…',
    conflict: (from: number, to: number) => `ほかの人がこのタグを変更しました（版 ${from} → ${to}）。`,
    added: '追加された',
    removed: '外された',
    none: 'なし',
    retry: '最新の状態に対してもう一度',
    discard: '自分の変更を取り消す',
    failed: (s: string) => `保存できませんでした: ${s}`,
    unknownTag: (s: string) =>
      `「${s}」という名前のタグはありません。一覧から選ぶか、新しいタグなら英小文字・数字・ハイフンの ID（例: mentor）を入力してください。`,
    severalTags: (s: string, names: string) => `「${s}」に合うタグが複数あります: ${names}`,
    // A preview stores nothing: its failure is about reading the file, not saving it.
    notRead: (s: string) => `読み取れませんでした: ${s}`,
    readAs: (c: string) =>
      `このファイルは UTF-8 ではないため ${c} として読みました。文字化けしていないか確かめてから保存してください。`,
    loadFailed: (s: string) => `読み込めませんでした: ${s}`,
    checkFailed: (s: string) => `トークンを確かめられませんでした: ${s}`,
    loading: '読み込んでいます…',
    tagsSuggest: 'タグ:',
    previewTitle: (n: number) => `プレビュー: ${n}発言`,
    replaces: (id: string) => `ID「${id}」のインタビューはすでにあります。保存すると置き換わります。`,
    creates: (id: string) => `新しいインタビュー「${id}」として保存します。`,
    taken: (id: string) =>
      `ID「${id}」は別の記事が使っています。このまま保存すると断られます。別の ID を入力してください。`,
    savedAs: '保存しました:',
    open: '開く',
    chooseFirst: 'ファイルを選んでください',
    cols: ['#', '話者', '役割', '節', '発言', 'タグ'],
    more: (n: number) => `ほか ${n}発言`,
    format: '形式',
    interviewees: 'インタビュイー',
    published: '公開日',
    reading: (name: string, kb: number) => `${name}（${kb} KB）`,
    roles: { interviewee: 'インタビュイー', interviewer: '聞き手', other: 'その他' } as Record<
      string,
      string
    >,
  },
  en: {
    edit: 'Edit tags',
    mergeHere: 'Merge into this person',
    mergeConfirm: (name: string) => `Merge “${name}” into this person?`,
    editing: 'Editing',
    editMode: 'Edit mode',
    add: 'Add',
    addLabel: 'Tag to add',
    remove: (t: string) => `Remove tag “${t}”`,
    saved: 'Saved',
    saving: 'Saving…',
    sep: ', ',
    badToken: 'That token is not valid',
    tokenOk: 'You can edit. The token is forgotten when this tab closes.',
    tokenCleared: 'Editing stopped',
    checking: 'Checking…',
    conflict: (from: number, to: number) => `Someone else changed these tags (version ${from} → ${to}).`,
    added: 'added',
    removed: 'removed',
    none: 'none',
    retry: 'Apply my change to the latest',
    discard: 'Discard my change',
    failed: (s: string) => `Could not save: ${s}`,
    unknownTag: (s: string) =>
      `No tag is called “${s}”. Pick one from the list, or give a new tag an id of lower-case letters, digits and hyphens (e.g. mentor).`,
    severalTags: (s: string, names: string) => `“${s}” fits several tags: ${names}`,
    notRead: (s: string) => `Could not read it: ${s}`,
    readAs: (c: string) =>
      `This file is not UTF-8: it was read as ${c}. Check the text reads right before saving.`,
    loadFailed: (s: string) => `Could not load: ${s}`,
    checkFailed: (s: string) => `Could not check the token: ${s}`,
    loading: 'Loading…',
    tagsSuggest: 'Tags:',
    previewTitle: (n: number) => `Preview: ${n} turns`,
    replaces: (id: string) => `An interview with id “${id}” exists: saving replaces it.`,
    creates: (id: string) => `Saves a new interview “${id}”.`,
    taken: (id: string) => `Another source holds the id “${id}”: saving would be refused. Enter another id.`,
    savedAs: 'Saved:',
    open: 'open',
    chooseFirst: 'Choose a file first',
    cols: ['#', 'Speaker', 'Role', 'Section', 'Text', 'Tags'],
    more: (n: number) => `and ${n} more turns`,
    format: 'Format',
    interviewees: 'Interviewees',
    published: 'Published',
    reading: (name: string, kb: number) => `${name} (${kb} KB)`,
    roles: { interviewee: 'interviewee', interviewer: 'interviewer', other: 'other' } as Record<
      string,
      string
    >,
  },
}[lang];

type Attrs = Record<string, string | boolean | undefined>;

/** An element with attributes and children (text children become text nodes). */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | null>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null) node.append(c);
  return node;
}

function withLang(path: string): string {
  if (lang !== 'en') return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=en`;
}

// ------------------------------------------------------------------ the write token

function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** A call to the API; the token goes in the Authorization header only (never a URL or cookie). */
async function api(method: string, path: string, body?: string | Blob, contentType = 'application/json') {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  // The editor's name for the tag audit trail (the API keeps letters, digits and . _ @ - only).
  const who = sessionStorage.getItem(ACTOR_KEY);
  if (t && who) headers['X-Actor'] = encodeURIComponent(who);
  if (body !== undefined) headers['Content-Type'] = contentType;
  const res = await fetch(path, { method, headers, body, credentials: 'omit', cache: 'no-store' });
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  return { status: res.status, json: json as Record<string, unknown> | null };
}

function errorText(r: { status: number; json: Record<string, unknown> | null }): string {
  const e = r.json?.error as { message?: string } | undefined;
  return `${r.status} ${e?.message ?? ''}`.trim();
}

function setupToken(): void {
  const button = document.getElementById('token-button') as HTMLButtonElement | null;
  const panel = document.getElementById('token-panel');
  const form = document.getElementById('token-form') as HTMLFormElement | null;
  const input = document.getElementById('token-input') as HTMLInputElement | null;
  const clear = document.getElementById('token-clear');
  const status = document.getElementById('token-status');
  if (!button || !panel || !form || !input || !status) return;
  button.hidden = false;
  const show = () => {
    const on = token() !== null;
    button.textContent = on ? WORDS.editing : WORDS.editMode;
    button.classList.toggle('on', on);
    if (clear) clear.hidden = !on;
  };
  show();
  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) input.focus();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    status.className = 'status';
    status.textContent = WORDS.checking;
    // The cheapest read that needs the write token: one audit entry. It writes nothing and parses
    // nothing (an empty upload to /interviews/preview did, on the write routes' rate limit), and
    // only a 200 accepts the token: a 5xx or a throttled 429 is an error, not a yes.
    let res: Response;
    try {
      res = await fetch('/audit?limit=1', {
        method: 'GET',
        headers: { Authorization: `Bearer ${value}`, Accept: 'application/json' },
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      status.className = 'status error';
      status.textContent = WORDS.checkFailed((e as Error).message);
      return;
    }
    if (res.status === 401 || res.status === 403) {
      status.className = 'status error';
      status.textContent = WORDS.badToken;
      return;
    }
    if (res.status !== 200) {
      status.className = 'status error';
      status.textContent = WORDS.checkFailed(String(res.status));
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    const actor = (document.getElementById('actor-input') as HTMLInputElement | null)?.value.trim();
    if (actor) sessionStorage.setItem(ACTOR_KEY, actor);
    else sessionStorage.removeItem(ACTOR_KEY);
    input.value = '';
    status.className = 'status ok';
    status.textContent = WORDS.tokenOk;
    show();
    startEditing();
    // Fold the panel away; the button now says 編集中 and takes the focus back.
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.title = WORDS.tokenOk;
    button.focus();
  });
  clear?.addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ACTOR_KEY);
    status.className = 'status';
    status.textContent = WORDS.tokenCleared;
    show();
    stopEditing();
  });
}

// ------------------------------------------------------------------ tag editing

let knownTags: Promise<Array<{ id: string; label: string; labelEn: string }>> | null = null;

/** Tags in use, for the add field's suggestions (one request per page). */
function tagList(): Promise<Array<{ id: string; label: string; labelEn: string }>> {
  knownTags ??= api('GET', '/tags').then((r) => (r.json?.tags as never[]) ?? []);
  return knownTags;
}

function labelOf(id: string, tags: Array<{ id: string; label: string; labelEn: string }>): string {
  const t = tags.find((x) => x.id === id);
  return t ? (lang === 'en' ? t.labelEn : t.label) : id;
}

async function ensureDatalist(): Promise<void> {
  if (document.getElementById('known-tags')) return;
  const list = el('datalist', { id: 'known-tags' });
  document.body.append(list);
  for (const t of await tagList()) list.append(el('option', { value: t.id }, labelOf(t.id, [t])));
}

/** One editable tag set: a quote's tags, or an interviewee's editor-added tags. */
interface Editable {
  /** Current tags and version on the server. */
  load(): Promise<{ tags: string[]; version: number }>;
  /** Applies one change against a version; answers the API's status and body. */
  apply(
    change: Change,
    version: number,
    tags: string[],
  ): Promise<{ status: number; json: Record<string, unknown> | null }>;
}

type Change = { add: string } | { remove: string };

function quoteEditable(id: string): Editable {
  const path = `/quotes/${encodeURIComponent(id)}`;
  return {
    load: async () => {
      const r = await api('GET', path);
      if (r.status !== 200 || !r.json) throw new Error(errorText(r));
      return { tags: r.json.tags as string[], version: r.json.version as number };
    },
    apply: (change, version) =>
      'add' in change
        ? api('POST', `${path}/tags`, JSON.stringify({ tags: [change.add], expectedVersion: version }))
        : api('DELETE', `${path}/tags/${encodeURIComponent(change.remove)}?expectedVersion=${version}`),
  };
}

function personEditable(id: string): Editable {
  return {
    load: async () => {
      // The profile page carries the editor-added tags and their version.
      const res = await fetch(`/people/${encodeURIComponent(id)}`, {
        headers: { Accept: 'text/html' },
        cache: 'no-store',
      });
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const node = doc.querySelector<HTMLElement>(`[data-edit="person"]`);
      if (!node) throw new Error(String(res.status));
      return {
        tags: (node.dataset.manual ?? '').split(' ').filter(Boolean),
        version: Number(node.dataset.version ?? 0),
      };
    },
    apply: (change, version, tags) => {
      const next =
        'add' in change ? [...new Set([...tags, change.add])] : tags.filter((t) => t !== change.remove);
      return api(
        'PUT',
        `/interviewees/${encodeURIComponent(id)}/tags`,
        JSON.stringify({ tags: next, expectedVersion: version }),
      );
    },
  };
}

/** Builds the editor inside a `[data-edit]` box. */
async function openEditor(box: HTMLElement, editable: Editable): Promise<void> {
  const status = el('p', { class: 'edit-status status', role: 'status', 'aria-live': 'polite' });
  box.querySelector('.edit-start')?.remove();
  status.textContent = WORDS.loading;
  box.append(status);
  let state: { tags: string[]; version: number };
  try {
    state = await editable.load();
  } catch (e) {
    status.className = 'edit-status status error';
    status.textContent = WORDS.loadFailed(String((e as Error).message));
    return;
  }
  status.textContent = '';
  await ensureDatalist();
  const known = await tagList();
  const list = el('ul', { class: 'tags', 'aria-label': WORDS.edit });
  const conflictBox = el('div', { class: 'conflict', hidden: true, role: 'alert' });
  const render = (tags: string[]) => {
    list.replaceChildren(
      ...tags.map((t) => {
        const remove = el(
          'button',
          { type: 'button', class: 'tag-remove', 'aria-label': WORDS.remove(labelOf(t, known)) },
          '×',
        );
        remove.addEventListener('click', () => void run({ remove: t }));
        return el(
          'li',
          { class: 'tag-edit' },
          el('span', { class: 'tag', 'data-tag': t }, labelOf(t, known)),
          remove,
        );
      }),
    );
  };
  const input = el('input', {
    type: 'text',
    list: 'known-tags',
    'aria-label': WORDS.addLabel,
    maxlength: '64',
    autocomplete: 'off',
  });
  const addButton = el('button', { type: 'submit' }, WORDS.add);
  const form = el('form', { class: 'tag-add' }, input, addButton);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const typed = input.value.trim();
    if (!typed) return;
    const found = resolveTagInput(typed, known);
    if ('id' in found) {
      void run({ add: found.id });
      return;
    }
    status.className = 'edit-status status error';
    status.textContent =
      found.error === 'several'
        ? WORDS.severalTags(
            typed,
            // The labels come in Japanese; an English page names them as it shows them.
            found.labels
              .map((l) => {
                const tag = known.find((k) => k.label === l);
                return tag ? labelOf(tag.id, known) : l;
              })
              .join(WORDS.sep),
          )
        : WORDS.unknownTag(typed);
  });
  const run = async (change: Change) => {
    const before = state;
    // Optimistic: show the change at once, put it back if the server refuses it.
    render(
      'add' in change
        ? [...new Set([...before.tags, change.add])]
        : before.tags.filter((t) => t !== change.remove),
    );
    conflictBox.hidden = true;
    addButton.disabled = true;
    // Whatever the status said (an earlier refusal, "saved") is about an earlier change: while
    // this one is sent, say so, or an old error reads as this change's answer.
    status.className = 'edit-status status';
    status.textContent = WORDS.saving;
    const r = await editable.apply(change, before.version, before.tags);
    addButton.disabled = false;
    if (r.status === 200 && r.json) {
      const fresh = await editable.load().catch(() => null);
      state = fresh ?? before;
      render(state.tags);
      input.value = '';
      status.className = 'edit-status status ok';
      status.textContent = WORDS.saved;
      return;
    }
    render(before.tags);
    if (r.status === 409) {
      const latest = await editable.load();
      showConflict(before, latest, change);
      return;
    }
    status.className = 'edit-status status error';
    status.textContent = WORDS.failed(errorText(r));
  };
  const showConflict = (
    mine: { tags: string[]; version: number },
    latest: { tags: string[]; version: number },
    change: Change,
  ) => {
    state = latest;
    render(latest.tags);
    const added = latest.tags.filter((t) => !mine.tags.includes(t)).map((t) => labelOf(t, known));
    const removed = mine.tags.filter((t) => !latest.tags.includes(t)).map((t) => labelOf(t, known));
    const retry = el('button', { type: 'button', class: 'conflict-retry' }, WORDS.retry);
    const discard = el('button', { type: 'button', class: 'button-quiet' }, WORDS.discard);
    retry.addEventListener('click', () => void run(change));
    discard.addEventListener('click', () => {
      conflictBox.hidden = true;
    });
    conflictBox.replaceChildren(
      el('p', {}, WORDS.conflict(mine.version, latest.version)),
      el(
        'p',
        {},
        `${WORDS.added}: ${added.join(WORDS.sep) || WORDS.none} / ${WORDS.removed}: ${removed.join(WORDS.sep) || WORDS.none}`,
      ),
      el('div', { class: 'buttons' }, retry, discard),
    );
    conflictBox.hidden = false;
    retry.focus();
  };
  render(state.tags);
  box.querySelector('ul.tags')?.replaceWith(list);
  if (!box.querySelector('ul.tags')) box.prepend(list);
  box.append(form, conflictBox, status);
  input.focus();
}

function startEditing(): void {
  document.body.classList.add('editing');
  for (const box of document.querySelectorAll<HTMLElement>('[data-edit]')) {
    if (box.querySelector('.edit-start, .tag-add')) continue;
    const id = box.dataset.id ?? '';
    const editable = box.dataset.edit === 'person' ? personEditable(id) : quoteEditable(id);
    const button = el('button', { type: 'button', class: 'edit-start button-quiet' }, WORDS.edit);
    button.addEventListener('click', () => void openEditor(box, editable));
    box.append(button);
  }
  offerMerges();
}

function stopEditing(): void {
  document.body.classList.remove('editing');
  for (const b of document.querySelectorAll('.edit-start, .tag-add, .conflict, .edit-status, .merge-here'))
    b.remove();
}

/** In edit mode, a person of the same name elsewhere can be merged into the person shown. */
function offerMerges(): void {
  for (const li of document.querySelectorAll<HTMLElement>('[data-merge]')) {
    if (li.querySelector('.merge-here')) continue;
    const from = li.dataset.merge ?? '';
    const into = li.dataset.into ?? '';
    const button = el('button', { type: 'button', class: 'merge-here button-quiet' }, WORDS.mergeHere);
    const status = el('span', { class: 'edit-status', role: 'status' });
    button.addEventListener('click', async () => {
      if (!window.confirm(WORDS.mergeConfirm(li.dataset.name ?? from))) return;
      button.disabled = true;
      const r = await api(
        'POST',
        `/interviewees/${encodeURIComponent(from)}/merge`,
        JSON.stringify({ into }),
      );
      if (r.status === 200) {
        window.location.reload();
        return;
      }
      button.disabled = false;
      status.textContent = WORDS.failed(errorText(r));
    });
    li.append(' ', button, status);
  }
}

// ------------------------------------------------------------------ suggestions

function setupSuggestions(): void {
  const input = document.getElementById('q') as HTMLInputElement | null;
  const list = document.getElementById('q-suggestions');
  const tagsBox = document.getElementById('tag-suggestions');
  if (!input || !list || !tagsBox) return;
  let timer = 0;
  let seq = 0;
  const update = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) {
        list.replaceChildren();
        tagsBox.replaceChildren();
        return;
      }
      const r = await api('GET', `/suggest?q=${encodeURIComponent(q)}&limit=8`);
      if (mine !== seq || !r.json) return;
      const terms = (r.json.terms as Array<{ text: string }>) ?? [];
      const tags = (r.json.tags as Array<{ id: string; label: string; labelEn: string }>) ?? [];
      list.replaceChildren(...terms.map((t) => el('option', { value: t.text })));
      const here = new URL(window.location.href);
      const links = tags.map((t) => {
        const u = new URL(here);
        u.searchParams.delete('q');
        u.searchParams.delete('page');
        u.searchParams.append('tag', t.id);
        return el(
          'li',
          {},
          el('a', { class: 'tag', href: `${u.pathname}${u.search}` }, lang === 'en' ? t.labelEn : t.label),
        );
      });
      tagsBox.replaceChildren(
        ...(links.length ? [el('ul', {}, el('li', { class: 'muted' }, WORDS.tagsSuggest), ...links)] : []),
      );
    }, 150);
  };
  // Japanese is typed through an IME: while a word is being composed the field holds unconverted
  // text (けっk, けっこn) that nobody means to search; suggest for what is committed, once.
  input.addEventListener('input', (ev) => {
    if ((ev as InputEvent).isComposing) return;
    update();
  });
  input.addEventListener('compositionend', update);
}

// ------------------------------------------------------------------ upload

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  md: 'text/markdown',
  markdown: 'text/markdown',
  tsv: 'text/tab-separated-values',
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

function setupUpload(): void {
  const form = document.getElementById('upload-form') as HTMLFormElement | null;
  if (!form) return;
  const needs = document.getElementById('upload-needs-token') as HTMLElement;
  const zone = document.getElementById('drop-zone') as HTMLElement;
  const fileInput = document.getElementById('upload-file') as HTMLInputElement;
  const fileName = document.getElementById('upload-file-name') as HTMLElement;
  const format = document.getElementById('upload-format') as HTMLSelectElement;
  const idInput = document.getElementById('upload-id') as HTMLInputElement;
  const status = document.getElementById('upload-status') as HTMLElement;
  const area = document.getElementById('upload-preview-area') as HTMLElement;
  const title = document.getElementById('preview-title') as HTMLElement;
  const body = document.getElementById('upload-preview-body') as HTMLElement;
  const save = document.getElementById('upload-save') as HTMLButtonElement;
  const refresh = () => {
    const on = token() !== null;
    form.hidden = !on;
    needs.hidden = on;
  };
  refresh();
  document.getElementById('token-form')?.addEventListener('submit', () => window.setTimeout(refresh, 500));
  document.getElementById('token-clear')?.addEventListener('click', refresh);

  let file: File | null = null;
  const choose = (f: File | null | undefined) => {
    file = f ?? null;
    area.hidden = true;
    fileName.textContent = file ? WORDS.reading(file.name, Math.ceil(file.size / 1024)) : '';
  };
  fileInput.addEventListener('change', () => choose(fileInput.files?.[0]));
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    choose(ev.dataTransfer?.files?.[0]);
  });

  const request = async (path: string) => {
    if (!file) throw new Error(WORDS.chooseFirst);
    const ext = (file.name.split('.').pop() ?? '').toLowerCase();
    const params = new URLSearchParams();
    if (format.value !== 'auto') params.set('format', format.value);
    if (idInput.value.trim()) params.set('id', idInput.value.trim());
    const qs = params.toString();
    // The file's bytes as they are: a Word document is a zip, which decoding as text destroyed.
    const type = CONTENT_TYPES[ext] ?? 'text/plain';
    return api('POST', `${path}${qs ? `?${qs}` : ''}`, file, charset ? `${type}; charset=${charset}` : type);
  };
  // A file not in UTF-8 (a Shift_JIS 文字起こし from Windows) is a 415 naming the encoding it reads
  // as: the preview asks again in that encoding and says so, and saving sends the same.
  let charset: string | null = null;
  const preview = async () => {
    charset = null;
    const r = await request('/interviews/preview');
    const guess = (r.json?.error as { details?: { guess?: unknown } } | undefined)?.details?.guess;
    if (r.status !== 415 || typeof guess !== 'string') return r;
    charset = guess;
    return request('/interviews/preview');
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.className = 'status';
    status.textContent = WORDS.loading;
    let r: Awaited<ReturnType<typeof api>>;
    try {
      r = await preview();
    } catch (e) {
      status.className = 'status error';
      status.textContent = (e as Error).message;
      return;
    }
    if (r.status !== 200 || !r.json) {
      status.className = 'status error';
      status.textContent = WORDS.notRead(errorText(r));
      area.hidden = true;
      return;
    }
    status.textContent = '';
    renderPreview(r.json as unknown as Preview);
  });

  interface Preview {
    interview: {
      id: string;
      title: string;
      format: string;
      publishedAt: string | null;
      interviewees: Array<{ name: string }>;
      turns: Array<{ id: string; speaker: string; role: string; section: string | null; text: string }>;
    };
    tags: Record<string, string[]>;
    exists: boolean;
    conflict: boolean;
  }

  const SHOWN = 200;
  const renderPreview = (p: Preview) => {
    const iv = p.interview;
    title.textContent = `${WORDS.previewTitle(iv.turns.length)} — ${iv.title}`;
    const rows = iv.turns
      .slice(0, SHOWN)
      .map((t, i) =>
        el(
          'tr',
          {},
          el('td', {}, String(i + 1)),
          el('td', { class: 'nowrap' }, t.speaker),
          el('td', { class: 'nowrap' }, WORDS.roles[t.role] ?? t.role),
          el('td', {}, t.section ?? ''),
          el('td', {}, t.text.length > 240 ? `${t.text.slice(0, 240)}…` : t.text),
          el('td', {}, (p.tags[t.id] ?? []).join(', ')),
        ),
      );
    body.replaceChildren(
      el(
        'p',
        { class: p.exists ? 'notice' : 'preview-meta' },
        p.conflict ? WORDS.taken(iv.id) : p.exists ? WORDS.replaces(iv.id) : WORDS.creates(iv.id),
      ),
      el(
        'p',
        { class: 'preview-meta' },
        `${WORDS.format}: ${iv.format} · ${WORDS.interviewees}: ${iv.interviewees.map((x) => x.name).join(WORDS.sep) || WORDS.none}`,
        iv.publishedAt ? ` · ${WORDS.published}: ${iv.publishedAt.slice(0, 10)}` : '',
      ),
      charset ? el('p', { class: 'notice', id: 'upload-charset' }, WORDS.readAs(charset)) : '',
      el(
        'div',
        { class: 'table-wrap' },
        el(
          'table',
          { class: 'preview-table' },
          el(
            'thead',
            {},
            el('tr', {}, ...WORDS.cols.map((c) => el('th', { scope: 'col', class: 'nowrap' }, c))),
          ),
          el('tbody', {}, ...rows),
        ),
      ),
      iv.turns.length > SHOWN ? el('p', { class: 'muted' }, WORDS.more(iv.turns.length - SHOWN)) : '',
    );
    area.hidden = false;
    title.focus();
  };

  save.addEventListener('click', async () => {
    save.disabled = true;
    status.className = 'status';
    status.textContent = WORDS.loading;
    try {
      const r = await request('/interviews');
      if ((r.status === 200 || r.status === 201) && r.json) {
        const id = String(r.json.id);
        status.className = 'status ok';
        status.replaceChildren(
          `${WORDS.savedAs} `,
          el('a', { href: withLang(`/interviews/${encodeURIComponent(id)}`), id: 'upload-saved-link' }, id),
        );
        area.hidden = true;
      } else {
        status.className = 'status error';
        status.textContent = WORDS.failed(errorText(r));
      }
    } catch (e) {
      status.className = 'status error';
      status.textContent = (e as Error).message;
    } finally {
      save.disabled = false;
    }
  });
}

// ------------------------------------------------------------------ start

function setupFacets(): void {
  // On a phone the filters start folded, so the results are on the first screen.
  const details = document.querySelector<HTMLDetailsElement>('.facets details');
  if (details && window.matchMedia('(max-width: 52rem)').matches) details.open = false;
}

setupToken();
setupSuggestions();
setupUpload();
setupFacets();
if (token()) startEditing();
