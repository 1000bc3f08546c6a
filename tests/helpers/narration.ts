/**
 * A short dash-layout article written for the tests (no corpus text): a lead and a closing line by
 * the writer around two questions and answers, so the narration has a place before the first turn
 * and after the last.
 */
/** livedoor-style header: URL, date, title. */
export const BOOKSHOP_HEAD = ['https://example.com/a/1', '2024-05-01T10:00:00+0900', '街の本屋を続ける理由'];
/** The body: lead, two questions with their answers, the writer's close. */
export const BOOKSHOP_BODY = [
  '　駅前で四十年続く小さな書店。店主の森川さんに話を聞いた。',
  '',
  '——お店を継いだきっかけは？',
  '父が倒れたときに、誰かがやらなきゃと思ったんです。',
  '',
  '——これからの目標は？',
  '子ども向けの読み聞かせを毎週続けたいですね。',
  '',
  '取材の帰り道、店先の灯りがいつまでも見えていた。',
];
