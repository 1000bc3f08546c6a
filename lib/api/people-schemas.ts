/** Request and response schemas of the people routes (lib/api/people-routes.ts). */
import * as z from 'zod';
import { IdSchema, RoleSchema } from '../model.ts';

const name = z.string().trim().min(1).max(100);
const expectedVersion = z.number().int().min(0).optional();

/** PUT /quotes/{quoteId}/speaker. */
export const ReassignSpeakerBody = z
  .object({
    /** An existing person (of this interview or another); null: nobody in particular. */
    personId: IdSchema.nullable().optional(),
    /** A person of this interview by name (made if new). */
    name: name.optional(),
    /** With `personId: null`: the role label to print (聞き手, 全員); default: the current label. */
    label: name.optional(),
    role: RoleSchema.optional(),
    /** The interview's speaker-edit version the edit was made on (409 when it moved on). */
    expectedVersion,
  })
  .strict()
  .refine((b) => b.personId !== undefined || b.name !== undefined || b.role !== undefined, {
    message: 'give personId, name or role',
  })
  .refine((b) => !(b.personId !== undefined && b.name !== undefined), {
    message: 'give either personId or name, not both',
  });

/** A turn after a speaker edit. */
export const SpeakerResponse = z.object({
  quoteId: z.string(),
  interviewId: z.string(),
  speaker: z.object({ id: z.string().nullable(), name: z.string(), role: RoleSchema }),
  coSpeakerIds: z.array(z.string()),
  version: z.number().int(),
});

/** POST /interviewees/{id}/rename. */
export const RenamePersonBody = z
  .object({
    name: name.optional(),
    title: z.string().trim().min(1).max(100).nullable().optional(),
    reading: z.string().trim().min(1).max(100).nullable().optional(),
    expectedVersion,
  })
  .strict()
  .refine((b) => b.name !== undefined || b.title !== undefined || b.reading !== undefined, {
    message: 'give name, title or reading',
  });

/** POST /interviewees/{id}/merge. */
export const MergePeopleBody = z
  .object({
    into: IdSchema,
    /** The merged-away person's `version` (409 when it moved on). */
    expectedVersion,
  })
  .strict();

/** POST /interviewees/{id}/split. */
export const SplitPersonBody = z
  .object({
    quoteIds: z.array(IdSchema).min(1).max(1000),
    name,
    /** The person's `version` (409 when it moved on). */
    expectedVersion,
  })
  .strict();

/** A person as editors see them. */
export const PersonResponse = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  reading: z.string().nullable(),
  handle: z.string().nullable(),
  aliases: z.array(z.string()),
  interviews: z.array(z.object({ id: z.string(), title: z.string() })),
  quotes: z.number().int(),
  version: z.number().int(),
});

/** GET /interviewees/duplicates query. */
export const DuplicatesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const DuplicateCandidateSchema = z.object({
  id: IdSchema,
  name: z.string(),
  role: RoleSchema,
  interviews: z.array(z.object({ id: z.string(), title: z.string(), publishedAt: z.string().nullable() })),
});

/** GET /interviewees/duplicates: people of one full name in different interviews, for review. */
export const DuplicatesResponse = z.object({
  /** How many groups there are in all (`groups` holds the first `limit`). */
  total: z.number().int(),
  groups: z.array(z.object({ name: z.string(), people: z.array(DuplicateCandidateSchema) })),
});
