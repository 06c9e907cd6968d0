// The simulator's scenario language: which answer a request gets (rules, defaults), the registry of insured
// persons, and the log it keeps. Read from `shikaku simulate-terminal --scenario <file>` and by tests.
import { z } from 'zod';
import type { SimPerson } from './answers.ts';
import { PersonalFamilyClassification } from './codes.ts';
import type { RequestKind } from './files.ts';

export const AnswerKind = z.enum([
  'registry', // answer from the registry: 有効 / 無効 / 無効(新しい資格あり) / 該当資格なし / 複数該当
  'valid',
  'invalid',
  'invalid_newer',
  'not_found',
  'multiple',
  'error_segment', // SegmentOfResult 9 with ErrorCode
  'processing_error', // ProcessingResultStatus 2
  'never', // no answer at all (the request stays in req/)
  'malformed', // complete file, not XML
  'truncated', // half a file; with completeAfterMs the rest follows later (a slow, non-atomic writer)
  'wrong_key', // an answer carrying another ArbitraryFileIdentifier
  'reject', // the connector refuses the request: req/<name>.err
]);
export type AnswerKind = z.infer<typeof AnswerKind>;

export const AnswerSpec = z.object({
  kind: AnswerKind,
  /** Answer after this delay (a slow terminal). */
  delayMs: z.number().int().nonnegative().optional(),
  format: z.enum(['xml', 'zip']).optional(),
  /** 'utf-8' writes CharacterCodeIdentifier 0; 'utf-8-declared-shift_jis' is a UTF-8 body under a Shift_JIS declaration. */
  encoding: z.enum(['shift_jis', 'utf-8', 'utf-8-declared-shift_jis']).optional(),
  completeAfterMs: z.number().int().nonnegative().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  processingResultCode: z.string().optional(),
  processingResultMessage: z.string().optional(),
  /** wrong_key: the identifier to write instead of the request's. */
  foundKey: z.string().optional(),
  /** Write this QualificationValidity code instead (e.g. an unknown one). */
  validityCode: z.string().optional(),
  extraHeader: z.record(z.string(), z.string()).optional(),
  extraBody: z.record(z.string(), z.string()).optional(),
  /** Echo these QualificationConfirmSearchInfo values instead of the query's (an answer about someone else). */
  echo: z
    .object({
      insurerNumber: z.string(),
      symbol: z.string(),
      number: z.string(),
      branch: z.string(),
      birthdate: z.string(),
    })
    .partial()
    .optional(),
});
export type AnswerSpec = z.infer<typeof AnswerSpec>;

export const SimRule = z.object({
  match: z
    .object({
      insurerNumber: z.string().optional(),
      number: z.string().optional(),
      symbol: z.string().optional(),
      key: z.string().optional(),
      request: z.enum(['qualification', 'bulk_upload', 'bulk_fetch']).optional(),
    })
    .default({}),
  answer: AnswerSpec,
  /** Apply at most this many times, then fall through to the next rule. */
  times: z.number().int().positive().optional(),
});
export type SimRule = z.infer<typeof SimRule>;
export type SimRuleInput = z.input<typeof SimRule>;

const SimPersonSchema: z.ZodType<SimPerson> = z.lazy(() =>
  z.object({
    insurerNumber: z.string(),
    symbol: z.string().optional(),
    number: z.string(),
    branch: z.string().optional(),
    name: z.string(),
    nameKana: z.string().optional(),
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    sex: z.enum(['male', 'female']),
    copayPercent: z.number().int().optional(),
    elderlyCopayPercent: z.number().int().optional(),
    address: z.string().optional(),
    postNumber: z.string().optional(),
    insurerName: z.string().optional(),
    personalFamily: z.enum([PersonalFamilyClassification.insured, PersonalFamilyClassification.family]).optional(),
    status: z.enum(['valid', 'lost']).optional(),
    reasonOfLoss: z.string().optional(),
    validFrom: z.string().optional(),
    expiredOn: z.string().optional(),
    newer: z.any().optional(),
    extra: z.record(z.string(), z.string()).optional(),
  }),
) as z.ZodType<SimPerson>;

/** The scenario file of `shikaku simulate-terminal --scenario`. */
export const Scenario = z.object({
  medicalInstitutionCode: z.string().optional(),
  registry: z.array(SimPersonSchema).default([]),
  rules: z.array(SimRule).default([]),
  default: AnswerSpec.optional(),
  bulkProcessingFetches: z.number().int().nonnegative().optional(),
});
export type Scenario = z.infer<typeof Scenario>;

export interface SimLogEntry {
  at: string;
  requestFile: string;
  request: RequestKind;
  key?: string;
  answer: AnswerKind | 'bulk' | 'bad_request';
  answerFile?: string;
}
