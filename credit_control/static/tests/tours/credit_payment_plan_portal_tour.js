/** @odoo-module */
// The customer opens the proposed payment plan from the e-mail's link (with its access
// token), reads the schedule, signs with its name and accepts; another tour declines.

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("credit_payment_plan_portal_accept", {
    steps: () => [
        {
            content: "The schedule of the proposal is shown",
            trigger: "#payment_plan_details .o_credit_plan_schedule tbody tr",
        },
        {
            content: "Accept and sign",
            trigger: "a.o_credit_plan_sign",
            run: "click",
        },
        {
            content: "Write the signer's name",
            trigger: ".modal.show .o_web_sign_name_input",
            run: "edit Mario Rossi",
        },
        {
            content: "Submit the signature",
            trigger: ".modal.show .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The plan is accepted",
            trigger: "#payment_plan_content .alert-success:contains(Thank you)",
        },
        {
            content: "The page shows the signature",
            trigger: "#payment_plan_details img[alt=Signature]",
        },
    ],
});

registry.category("web_tour.tours").add("credit_payment_plan_portal_decline", {
    steps: () => [
        {
            content: "Decline",
            trigger: "a.o_credit_plan_decline",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal.show textarea[name=decline_message]",
            run: "edit We cannot pay the first installment in December.",
        },
        {
            content: "Send",
            trigger: ".modal.show .o_credit_plan_decline_submit",
            run: "click",
        },
        {
            content: "The plan is declined",
            trigger: "#payment_plan_content .alert-info",
        },
    ],
});
