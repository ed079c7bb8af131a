/**
 * A small XML well-formedness checker for tests: enough of XML 1.0 to parse an SVG document (the
 * declaration, elements, attributes, text, comments and character/entity references) and to reject
 * what a real parser would reject in it. Returns the element tree so tests can query it.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  /** Decoded text directly inside this element. */
  text: string;
}

const NAME = /^[A-Za-z_:][\w:.-]*/;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    const line = source.slice(0, i).split('\n').length;
    throw new SyntaxError(`XML not well-formed at line ${line}, offset ${i}: ${why}`);
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) return fail('bare & (not an entity reference)');
      if (/^#\d+$/.test(ref)) return String.fromCodePoint(Number(ref.slice(1)));
      if (/^#x[0-9a-fA-F]+$/.test(ref)) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      return ENTITIES[ref] ?? fail(`unknown entity ${whole}`);
    });

  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const textEnd = lt < 0 ? source.length : lt;
    const raw = source.slice(i, textEnd);
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (raw.trim() !== '') fail('text outside the root element');
    } else {
      top.text += decode(raw);
    }
    i = textEnd;
    if (lt < 0) break;
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
      continue;
    }
    if (source.startsWith('</', i)) {
      i += 2;
      const name = NAME.exec(source.slice(i))?.[0] ?? fail('closing tag without a name');
      i += name.length;
      while (/\s/.test(source[i] ?? '')) i++;
      if (source[i] !== '>') fail(`closing tag </${name} not ended by >`);
      i++;
      const open = stack.pop();
      if (open?.name !== name) fail(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    i++;
    const name = NAME.exec(source.slice(i))?.[0] ?? fail('tag without a name');
    i += name.length;
    const attributes = new Map<string, string>();
    for (;;) {
      const spaced = /\s/.test(source[i] ?? '');
      while (/\s/.test(source[i] ?? '')) i++;
      if (source.startsWith('/>', i) || source[i] === '>') break;
      if (!spaced) fail(`attributes of <${name}> must be separated by whitespace`);
      const attr = NAME.exec(source.slice(i))?.[0] ?? fail(`bad attribute in <${name}>`);
      i += attr.length;
      if (source[i] !== '=') fail(`attribute ${attr} without =`);
      const quote = source[i + 1];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attr} value not quoted`);
      const end = source.indexOf(quote ?? '"', i + 2);
      if (end < 0) fail(`unterminated value of ${attr}`);
      const value = source.slice(i + 2, end);
      if (value.includes('<')) fail(`< inside the value of ${attr}`);
      if (attributes.has(attr)) fail(`attribute ${attr} repeated in <${name}>`);
      attributes.set(attr, decode(value));
      i = end + 1;
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      if (root !== undefined) fail('a second root element');
      root = element;
    } else {
      parent.children.push(element);
    }
    if (source.startsWith('/>', i)) {
      i += 2;
    } else {
      i += 1;
      stack.push(element);
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]?.name ?? ''}> never closed`);
  return root ?? fail('no root element');
}

/** Every element below `root` (itself included) that `pick` accepts, in document order. */
export function findAll(root: XmlElement, pick: (e: XmlElement) => boolean): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    if (pick(e)) found.push(e);
    e.children.forEach(visit);
  };
  visit(root);
  return found;
}

/** True when the element's class attribute lists `name`. */
export function hasClass(e: XmlElement, name: string): boolean {
  return (e.attributes.get('class') ?? '').split(/\s+/).includes(name);
}
