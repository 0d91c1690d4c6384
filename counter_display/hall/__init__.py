"""The hall display (TV): what each counter is serving, recent calls, running text."""
