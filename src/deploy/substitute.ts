/** The environment variables a manifest may refer to. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Result of substituting one string. */
export interface Substitution {
  readonly value: string;
  /** Names referred to but not set in the environment (they were replaced by the empty string). */
  readonly unset: readonly string[];
}

const WHOLE_VARIABLE = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
// `$${NAME}` is wskdeploy's escape for a literal `${NAME}`; it must be matched before `${NAME}`.
const BRACED_VARIABLE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces environment variable references the way wskdeploy does:
 * a value that is exactly `$NAME`, and `${NAME}` anywhere inside a value; `$${NAME}` stays a
 * literal `${NAME}`. An unset variable becomes the empty string, as in wskdeploy, and is reported
 * in `unset` so that a caller can warn about it. Any other `$` is kept, so passwords and
 * URLs that merely contain a dollar sign pass through unchanged.
 */
export function substituteVariables(text: string, env: Environment): Substitution {
  const unset: string[] = [];
  const lookup = (name: string): string => {
    const value = env[name];
    if (value === undefined) unset.push(name);
    return value ?? '';
  };
  const whole = WHOLE_VARIABLE.exec(text);
  if (whole?.[1] !== undefined) return { value: lookup(whole[1]), unset };
  const value = text.replace(BRACED_VARIABLE, (_match, escaped: string | undefined, name: string) =>
    escaped === undefined ? lookup(name) : `\${${name}}`,
  );
  return { value, unset };
}
