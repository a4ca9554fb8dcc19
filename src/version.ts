/** The version of arpshift (kept equal to package.json's). */
export const VERSION = '0.1.0';
