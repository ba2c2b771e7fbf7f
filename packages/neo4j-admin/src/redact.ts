const MASK = "***";

// Flags whose value is a credential, in both `--flag=value` and `--flag value` spellings.
const SECRET_FLAG = /^(--?[\w.-]*(?:password|passwd|secret|token|credential)[\w.-]*)(=.*)?$/i;

/** Mask every known secret value inside free text (stderr, messages). */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join(MASK);
  }
  return out;
}

/** Mask known secret values and the values of password-like flags in an argument list. */
export function redactArgs(args: readonly string[], secrets: readonly string[]): string[] {
  const out: string[] = [];
  let maskNext = false;
  for (const arg of args) {
    if (maskNext) {
      out.push(MASK);
      maskNext = false;
      continue;
    }
    const flag = SECRET_FLAG.exec(arg);
    if (flag) {
      if (flag[2] === undefined) maskNext = true;
      out.push(flag[2] === undefined ? arg : `${flag[1]}=${MASK}`);
      continue;
    }
    out.push(redactText(arg, secrets));
  }
  return out;
}
