import QtQuick
import QtQuick.Controls
import "../components"

Item {
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: qsTr("Your consent") }
        KText {
            width: parent.width
            text: qsTr("What we collect: your identity document data, the form you filled in and the pages you captured.")
        }
        KText {
            width: parent.width
            text: qsTr("Why: only to handle this application with the competent department.")
        }
        KText {
            width: parent.width
            text: qsTr("How long: stored encrypted on this terminal until the department has received it, then deleted within 30 days.")
        }
        BigButton {
            objectName: "consentToggle"
            width: parent.width
            selected: session.consentGiven
            text: (session.consentGiven ? "☑ " : "☐ ") + qsTr("I have read this and agree")
            onClicked: session.setConsent(!session.consentGiven)
        }
        ErrorText { text: session.error }
    }
    BigButton {
        objectName: "submitApplication"
        anchors { bottom: parent.bottom; right: parent.right }
        primary: true
        enabled: session.consentGiven
        text: qsTr("Submit application")
        onClicked: session.submit()
    }
}
