/** Presenting results: text tables that fit a 100-column terminal, the JSON result, sweep summaries and their statistics, CSV, and the HTML report. */
export type { TableOptions } from './table.js';
export { TABLE_WIDTH, renderTable, resultTables, wrapText } from './table.js';
export type { ResultJsonOptions } from './json.js';
export { resultJson } from './json.js';
export type { SampleStats } from './stats.js';
export { describe, mean, quantile, sampleSd, studentTCdf, studentTQuantile, t975 } from './stats.js';
export type { MetricSummary, MetricValue, Parameters, PointSummary, SweepHeader, SweepResultLine, SweepSummaryLine } from './sweep-lines.js';
export { lineKey, pointKey, resultMetrics, summarizeSweep } from './sweep-lines.js';
export { numberText, sweepSummaryTables } from './sweep-table.js';
export { sweepCsv } from './csv.js';
export type { AnalysisInput, BarDatum, CdfDatum, FabricData, ReportModel, TimelineData, Trend, TrendDatum } from './html/model.js';
export { analysisModel, gridPoints, runModel, sweepModel } from './html/model.js';
export { ReportInputError, analysisReportHtml, reportFromText, reportPage, runReportHtml, sweepReportHtml } from './html/page.js';
