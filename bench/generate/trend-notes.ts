/**
 * Dated annotations for the trends table: the publications and events that launched or
 * reshaped each management tool, to overlay on its curves. A date is the month of the event,
 * or January when only the year is well established.
 */
import type { TrendTool } from './trends.js';

export interface TrendNote {
  /** `YYYY-MM-01`, the month the event happened. */
  readonly date: string;
  readonly tool: TrendTool;
  readonly note: string;
}

/** The notes, in date order. */
export const TREND_NOTES: readonly TrendNote[] = [
  {
    date: '1990-07-01',
    tool: 'Business Process Reengineering',
    note: 'Michael Hammer publishes "Reengineering Work: Don\'t Automate, Obliterate" in HBR',
  },
  {
    date: '1992-01-01',
    tool: 'Balanced Scorecard',
    note: 'Kaplan & Norton publish "The Balanced Scorecard: Measures That Drive Performance" in HBR',
  },
  {
    date: '1993-01-01',
    tool: 'Business Process Reengineering',
    note: 'Hammer & Champy publish "Reengineering the Corporation"',
  },
  {
    date: '1993-01-01',
    tool: 'Customer Relationship Management',
    note: 'Siebel Systems is founded; CRM software becomes a product category',
  },
  {
    date: '1994-01-01',
    tool: 'Strategic Planning',
    note: 'Henry Mintzberg publishes "The Rise and Fall of Strategic Planning"',
  },
  {
    date: '1995-01-01',
    tool: 'Knowledge Management',
    note: 'Nonaka & Takeuchi publish "The Knowledge-Creating Company"',
  },
  {
    date: '1996-01-01',
    tool: 'Total Quality Management',
    note: 'General Electric makes Six Sigma a company-wide program',
  },
  {
    date: '1996-01-01',
    tool: 'Balanced Scorecard',
    note: 'Kaplan & Norton publish the book "The Balanced Scorecard: Translating Strategy into Action"',
  },
  {
    date: '1998-01-01',
    tool: 'Knowledge Management',
    note: 'Davenport & Prusak publish "Working Knowledge"',
  },
  {
    date: '1999-03-01',
    tool: 'Customer Relationship Management',
    note: 'Salesforce is founded and sells CRM as a web service',
  },
  {
    date: '2000-12-01',
    tool: 'Total Quality Management',
    note: 'ISO 9001:2000 is published, built around process management and continual improvement',
  },
  {
    date: '2005-02-01',
    tool: 'Strategic Planning',
    note: 'Kim & Mauborgne publish "Blue Ocean Strategy"',
  },
  {
    date: '2005-04-01',
    tool: 'Outsourcing',
    note: 'Thomas Friedman publishes "The World Is Flat", popularising offshore outsourcing',
  },
  {
    date: '2008-09-01',
    tool: 'Outsourcing',
    note: 'Lehman Brothers collapses; the financial crisis puts cost cutting on every agenda',
  },
  {
    date: '2020-03-01',
    tool: 'Strategic Planning',
    note: 'The COVID-19 pandemic is declared; scenario planning returns to board agendas',
  },
];
