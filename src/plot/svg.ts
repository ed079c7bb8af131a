/** Escapes text for use in SVG element content and in double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

type AttributeValue = string | number | undefined;

/**
 * One SVG element. Attribute values and nothing else are escaped here: `children` must already be
 * markup (built with this function or {@link text}). Undefined attributes are left out; numbers are
 * rounded to two decimals to keep large plots small.
 */
export function element(
  name: string,
  attributes: Readonly<Record<string, AttributeValue>>,
  children = '',
): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(typeof value === 'number' ? round(value) : value)}"`)
    .join('');
  return children === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

/** A `<text>` element whose content is escaped. */
export function text(content: string, attributes: Readonly<Record<string, AttributeValue>>): string {
  return element('text', attributes, escapeXml(content));
}

/** A `<title>` child: the tooltip a browser shows over its parent. */
export function tooltip(content: string): string {
  return element('title', {}, escapeXml(content));
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
