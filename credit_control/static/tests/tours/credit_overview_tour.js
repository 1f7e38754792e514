/** @odoo-module */
// The Credit Control overview: the first entry of the Credit Management menu shows the
// cards; a click on the rejected e-invoices card opens the list of those invoices.

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("credit_overview_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        {
            content: "Open the Credit Management menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="credit_control.menu_credit_control"]',
            run: "click",
        },
        {
            content: "The overview is the menu's first entry",
            trigger: '.o-dropdown--menu .dropdown-item:first-child[data-menu-xmlid="credit_control.menu_credit_overview"]',
            run: "click",
        },
        {
            content: "The overdue card shows the total and its trend",
            trigger: ".o_credit_overview .o_kanban_record:contains(Overdue) .o_credit_overview_subtitle:contains(vs 30 days ago)",
        },
        {
            content: "The letters card is there",
            trigger: ".o_credit_overview .o_kanban_record:contains(Dunning Letters)",
        },
        {
            content: "Open the rejected e-invoices",
            trigger: ".o_credit_overview .o_kanban_record:contains(Rejected E-invoices)",
            run: "click",
        },
        {
            content: "The list of rejected e-invoices, named after the card",
            trigger: ".o_breadcrumb:contains(Rejected E-invoices)",
        },
        {
            content: "It lists the tour's rejected invoice",
            trigger: ".o_list_view .o_data_row:contains(Overview Tour S.r.l.)",
        },
    ],
});
