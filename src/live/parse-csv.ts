/**
 * RFC 4180 CSV for ingested batches: a header line, then records; fields may be quoted, with
 * `""` for a quote and line breaks inside quotes; CRLF or LF; a final line break is optional.
 * An unquoted empty field is null (no value), a quoted empty one the empty string. A quote
 * inside an unquoted field is kept as text (`37°36'37.8"N`), as most writers expect. Errors name
 * the line.
 */
import { DashportError } from '../errors.js';

export interface CsvRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly fields: readonly (string | null)[];
}

export interface CsvTable {
  readonly header: readonly string[];
  readonly records: readonly CsvRecord[];
}

function csvError(line: number, reason: string): DashportError {
  return new DashportError('DASHPORT_ERR_BAD_BODY', `body: CSV line ${line}: ${reason}`, {
    parameter: 'body',
  });
}

/** Parses `text`; every record must have as many fields as the header. */
export function parseCsv(text: string): CsvTable {
  const rows: CsvRecord[] = [];
  let fields: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const endField = (): void => {
    fields.push(quoted || field !== '' ? field : null);
    field = '';
    quoted = false;
    fieldStarted = false;
  };
  const endRecord = (): void => {
    endField();
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === null)) rows.push({ line: recordLine, fields });
    fields = [];
  };

  for (; index < text.length; index += 1) {
    const char = text[index];
    if (inQuotes) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else {
          inQuotes = false;
        }
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }
    if (char === '"' && !fieldStarted) {
      inQuotes = true;
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      endField();
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else {
      if (quoted)
        throw csvError(line, 'text after a closing quote; a field is either quoted or not');
      field += char;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw csvError(recordLine, 'a quoted field is not closed');
  if (fieldStarted || fields.length > 0) endRecord();

  const [head, ...records] = rows;
  if (head === undefined) throw csvError(1, 'no header line; the first line names the columns');
  const header = head.fields.map((name, i) => {
    if (name === null || name === '')
      throw csvError(head.line, `column ${i + 1} of the header has no name`);
    return name;
  });
  for (const record of records) {
    if (record.fields.length !== header.length) {
      throw csvError(
        record.line,
        `${record.fields.length} fields, the header has ${header.length}`,
      );
    }
  }
  return { header, records };
}
