<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>Attract</name>
    <message>
        <source>24-hour self-service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Touch to start</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Capture</name>
    <message>
        <source>Document %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your ID card was read: no photo of it is needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Place the document under the camera, flat and inside the frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pages: %1 (at least %2, at most %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capture page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>Choose a service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search: name, keyword or pinyin (e.g. gssldj)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No service matches. Try another word or a category.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Consent</name>
    <message>
        <source>Your consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What we collect: your identity document data, the form you filled in and the pages you captured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why: only to handle this application with the competent department.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How long: stored encrypted on this terminal until the department has received it, then deleted within 30 days.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I have read this and agree</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submit application</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>End</name>
    <message>
        <source>Thank you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please take your receipt. Your details have been cleared from this screen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <source>Home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <source>Page %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identified: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>Standard view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Large text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A member of staff has been called and will come to help you.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <source>What would you like to do?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply for a service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business, social insurance, health, family and more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With the tracking number or the QR code on your receipt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collect a result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print a licence or certificate that is ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business-support policies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the policies your company qualifies for</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Identify</name>
    <message>
        <source>Identify yourself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Place your ID card on the reader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or type your document number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hong Kong identity card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Home Return Permit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name as on the document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I am still here</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutOfService</name>
    <message>
        <source>Temporarily out of service</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PickupResult</name>
    <message>
        <source>Your result is ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the printed document from the printer below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PolicyLookup</name>
    <message>
        <source>Software and IT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manufacturing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hotels and catering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wholesale and retail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health and social work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Research and technical services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Micro</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Small</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Medium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business-support policies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Company size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Year established</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find policies</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PolicyResults</name>
    <message>
        <source>Policies for your company</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <source>Very poor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Poor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fair</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Very good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How was this service?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why? (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Receipt</name>
    <message>
        <source>Tracking number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rate this service</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResultPickup</name>
    <message>
        <source>Collect a result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1. Scan or type the tracking number. 2. Place the applicant&apos;s ID card on the reader.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>Check your application</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read from your ID card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 page(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything is correct</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServiceDetail</name>
    <message>
        <source>Department: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visits to a window: at most %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decision within %1 working day(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free of charge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fee: CNY %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scanned here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>original checked at a window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusCheck</name>
    <message>
        <source>Check progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan the QR code on your receipt, or type the tracking number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusResult</name>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tracking number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last known status on this terminal, updated %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StepIndicator</name>
    <message>
        <source>Choose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Submitting</name>
    <message>
        <source>Saving your application securely…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please wait, do not leave yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
