import { insightsMain } from './insights-client.js';

/**
 * The report panels' markup: one date range for Campaigns and Funnel, the model switch, and
 * the Journey lookup. Only fixed text here; the data is put in by `/insights.js` as text.
 */
export const INSIGHTS_HTML = `<section id="reports">
  <h2>Reports</h2>
  <p><label>From <input id="range-start" type="date"></label> <label>to <input id="range-end" type="date"></label> (UTC, both included)</p>
</section>
<section>
  <h2>Campaigns</h2>
  <form id="campaigns-form">
    <label>Model <select id="model"><option value="last_touch">last touch</option><option value="first_touch">first touch</option></select></label>
    <label>Conversion <input id="conversion" value="Order Completed"></label>
    <label>Value <input id="value-prop" value="revenue"></label>
    <button>Show</button>
  </form>
  <table><tbody id="campaigns"></tbody></table>
</section>
<section>
  <h2>Funnel</h2>
  <form id="funnel-form"><label>Steps <input id="steps" size="60" placeholder="Product Viewed,Added To Cart,Order Completed"></label> <button>Show</button></form>
  <table><tbody id="funnel"></tbody></table>
</section>
<section>
  <h2>Journey</h2>
  <form id="journey-form">
    <select id="journey-kind"><option value="user_id">user ID</option><option value="anonymous_id">anonymous ID</option></select>
    <input id="journey-id" size="40"> <button>Show</button>
  </form>
  <p id="journey-ids"></p>
  <table><tbody id="journey-sessions"></tbody></table>
  <table><tbody id="journey-events"></tbody></table>
</section>
`;

/** Styles of the report panels. */
export const INSIGHTS_CSS = `
th { text-align: left; border-bottom: 2px solid #c9d1da; padding: 4px; font-weight: 600; }
form label { margin-right: 12px; } #events .who { cursor: pointer; text-decoration: underline dotted; } .error { color: #a12; } #journey-ids { color: #456; word-break: break-all; }
`;

/** `/insights.js`: the panels' script, from the source of {@link insightsMain}. */
export const INSIGHTS_SCRIPT = `"use strict";\n(${String(insightsMain)})();\n`;
