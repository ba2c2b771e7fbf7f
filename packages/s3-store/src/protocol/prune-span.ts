import { NbsError } from "@nbs/errors";

/**
 * A calendar span as restic writes it: `1y6m`, `30d`, `2w`, `12h`, `90min`, `30s`. `m` is a
 * month (restic's meaning); minutes are `min`. Years and months are calendar ones (UTC).
 */
export interface Span {
  years: number;
  months: number;
  days: number;
  ms: number;
  /** As written, for plans and messages. */
  text: string;
}

const PART = /(\d+)(y|min|mo|m|w|d|h|s)/gy;
const MS: Record<string, number> = { h: 3_600_000, min: 60_000, s: 1000 };

/** Parse `1y2m3d4h`; throws SETTING_INVALID naming the option on anything else (zero is allowed). */
export function parseSpan(raw: unknown, what: string): Span {
  const text = String(raw).trim();
  const span: Span = { years: 0, months: 0, days: 0, ms: 0, text };
  PART.lastIndex = 0;
  let end = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    const n = Number(m[1]);
    const unit = m[2]!;
    if (unit === "y") span.years += n;
    else if (unit === "m" || unit === "mo") span.months += n;
    else if (unit === "w") span.days += 7 * n;
    else if (unit === "d") span.days += n;
    else span.ms += n * MS[unit]!;
    end = PART.lastIndex;
  }
  if (text === "" || end !== text.length)
    throw new NbsError("SETTING_INVALID", `invalid duration ${JSON.stringify(raw)} for ${what}`, {
      hint: "use restic's form: 1y6m (m = months), 30d, 2w, 12h, 90min, 30s",
    });
  return span;
}

/** The instant `span` before `at` (calendar years and months, then days and the rest). */
export function spanBefore(at: Date, span: Span): Date {
  const d = new Date(at.getTime());
  if (span.years !== 0 || span.months !== 0) {
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - span.months - 12 * span.years);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
  }
  return new Date(d.getTime() - span.days * 86_400_000 - span.ms);
}

/** The instant `span` after `at` (the inverse walk of {@link spanBefore}, for "kept until"). */
export function spanAfter(at: Date, span: Span): Date {
  const back = spanBefore(at, { ...span, years: -span.years, months: -span.months });
  return new Date(back.getTime() + 2 * (span.days * 86_400_000 + span.ms));
}
