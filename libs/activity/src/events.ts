/** Activity's published events. None yet: last activity and sign-ins arrive with their own issues. */
export {};
