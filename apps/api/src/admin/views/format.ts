/** `2024-05-31 14:02:11 UTC`: readable, unambiguous, and the same for every reviewer whatever their time zone. */
export const utcTime = (date: Date): string => `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
