/** Presenting results: text tables that fit a 100-column terminal, and the JSON result. */
export type { TableOptions } from './table.js';
export { TABLE_WIDTH, renderTable, resultTables, wrapText } from './table.js';
export { resultJson } from './json.js';
