import { NbsError } from "@nbs/errors";

const SHARE = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/;

/** "50%", "50" or "0.5" → 0.5: a share between 0 and 100 % (a bare number above 1 is percent). */
export function parseShare(raw: unknown, what: string): number {
  const m = SHARE.exec(String(raw));
  const n = m ? Number(m[1]) : Number.NaN;
  const share = m?.[2] === "%" || n > 1 ? n / 100 : n;
  if (!(share >= 0 && share <= 1))
    throw new NbsError("SETTING_INVALID", `invalid share ${JSON.stringify(raw)} for ${what}`, {
      hint: "use a percentage from 0% to 100%, e.g. 50%",
    });
  return share;
}

const AGE = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$/i;
const AGE_FACTOR: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "26h", "8d", "90m", "3600" (seconds) → milliseconds; more than zero. */
export function parseAge(raw: unknown, what: string): number {
  const m = AGE.exec(String(raw));
  const ms = m ? Math.round(Number(m[1]) * AGE_FACTOR[(m[2] ?? "s").toLowerCase()]!) : 0;
  if (ms < 1)
    throw new NbsError("SETTING_INVALID", `invalid age ${JSON.stringify(raw)} for ${what}`, {
      hint: "use a number with a unit, more than zero: 26h, 8d, 90m, 1w",
    });
  return ms;
}

/** 93_600_000 → "26h", 691_200_000 → "8d": the largest whole unit, for tables and messages. */
export function formatAge(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 2 * 86_400_000) return `${(ms / 86_400_000).toFixed(1).replace(/\.0$/, "")}d`;
  if (abs >= 3_600_000) return `${(ms / 3_600_000).toFixed(1).replace(/\.0$/, "")}h`;
  if (abs >= 60_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 1000)}s`;
}
