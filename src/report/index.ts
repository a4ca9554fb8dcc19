/** Presenting results: text tables and the JSON result. */
export { renderTable, resultTables } from './table.js';
export { resultJson } from './json.js';
