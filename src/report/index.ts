/** Presenting results: text tables. */
export { renderTable, resultTables } from './table.js';
