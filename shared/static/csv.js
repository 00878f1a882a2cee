// CSV built in the browser, safe to open in a spreadsheet: the rule of shared/csvcells.py.
// A text cell that begins with = + - @ tab or carriage return (behind any number of
// single quotes) gets one more leading quote and is always quoted, so a spreadsheet
// shows it as text; numbers stay numbers (-0.12 is data, not a formula).

const FORMULA = /^'*[=+\-@\t\r]/;

export function neutralise(text) {
  return FORMULA.test(text) ? `'${text}` : text;
}

export function csvField(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = String(value);
  const safe = neutralise(text);
  return safe !== text || /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values) {
  return values.map(csvField).join(",");
}
