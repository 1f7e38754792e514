/** @odoo-module */
// A credit controller's round: the Credit Control menu, the watchlist and a customer's
// Credit tab, a dunning letter, the e-invoices to fix. Menus are found by their xml ids,
// so the tour survives renamed or reordered menus.

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const CUSTOMER = "Tour Customer S.r.l.";

function openCreditMenu(menuXmlid, description) {
    return [
        {
            content: "Open the Credit Control menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="credit_control.menu_credit_control"]',
            run: "click",
        },
        {
            content: description,
            trigger: `.o-dropdown--menu .dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}

function searchCustomer() {
    return [
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: `edit ${CUSTOMER}`,
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
    ];
}

registry.category("web_tour.tours").add("credit_control_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        ...openCreditMenu("credit_control.menu_credit_watchlist", "Open the credit watchlist"),
        {
            content: "The watchlist groups customers by band",
            trigger: ".o_list_view .o_group_header",
        },
        ...searchCustomer(),
        {
            content: "Open the customer's band",
            trigger: ".o_list_view .o_group_header:contains(E)",
            run: "click",
        },
        {
            content: "Open the customer",
            trigger: `.o_data_row .o_data_cell[name=name]:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            content: "Open the Credit tab",
            trigger: ".o_form_view .o_notebook a[name=credit_management]",
            run: "click",
        },
        {
            content: "The Credit tab shows the band",
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name=credit_band]:contains(E)",
        },
        {
            // two invoices of 500.00 due 60 and 20 days ago; the third, rejected by the SdI,
            // was never issued. Nothing was scored: the tab reads the ledger
            content: "The Credit tab shows what the customer owes today",
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name=credit_live_exposure]:contains(1,000.00)",
        },
        {
            content: "and how long the oldest item is overdue",
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name=credit_live_oldest_overdue_days]:contains(60)",
        },
        {
            content: "A customer scored without enough history says so instead of a blank trend",
            trigger: ".o_notebook .tab-pane.active div[name=credit_trend]:contains(Not enough history)",
        },
        {
            content: "The Credit tab shows the dunning policy and pause",
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name=credit_dunning_policy_id]",
        },
        ...openCreditMenu("credit_control.menu_credit_dunning_letter", "Open the dunning letters"),
        ...searchCustomer(),
        {
            content: "Open the customer's letter",
            trigger: `.o_data_row .o_data_cell[name=partner_id]:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            content: "The letter lists the overdue invoices",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row",
        },
        ...openCreditMenu("credit_control.menu_credit_einvoice_worklist", "Open the e-invoices to fix"),
        {
            content: "Open the rejected e-invoice",
            trigger: `.o_data_row:contains(${CUSTOMER}) .o_data_cell`,
            run: "click",
        },
        {
            content: "The invoice form shows the customer's band as soon as it opens",
            trigger: ".o_form_view div[name=credit_partner_badges] .o_field_widget[name=credit_partner_band]:contains(E)",
        },
    ],
});
